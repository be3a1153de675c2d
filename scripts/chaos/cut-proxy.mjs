// A loopback TCP proxy that can cut every connection through it at once, as a network fault
// would: the chaos campaign puts one between the SSE clients and each console. A cut resets both
// sides (RST, not a clean close); connections made afterwards go through again.
import { connect, createServer } from 'node:net';

/**
 * @param {{ port: number, host?: string }} target
 * @returns {Promise<import('./cut-proxy.d.mts').CutProxy>}
 */
export async function startCutProxy(target) {
  const host = target.host ?? '127.0.0.1';
  /** @type {Set<import('node:net').Socket>} both sockets of every open connection */
  const sockets = new Set();
  let cuts = 0;
  const server = createServer((client) => {
    const upstream = connect(target.port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      // Either side going away takes the other with it; errors are the faults themselves.
      socket.once('close', () => {
        sockets.delete(socket);
        (socket === client ? upstream : client).destroy();
      });
      socket.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    get open() {
      return sockets.size / 2;
    },
    get cuts() {
      return cuts;
    },
    cutAll() {
      cuts++;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
