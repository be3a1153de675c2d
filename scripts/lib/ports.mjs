// Finding and checking TCP ports by listening on them: the kernel is the only one who knows what
// is free. Node built-ins only: `npm start` runs this before `npm ci`.
import { createServer } from 'node:net';

/**
 * Listens on `host`:`port` and closes again; resolves with the port bound (the one the kernel
 * picked, for port 0), rejects with the listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL…).
 * @param {string} host
 * @param {number} port
 * @returns {Promise<number>}
 */
export function probePort(host, port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => {
      const { port: bound } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(bound));
    });
  });
}

/**
 * A port that was free a moment ago. Another process may take it before the caller listens, so
 * keep the time in between short; nats-server, which can pick its own (`-p -1`), does not need this.
 * @param {string} [host]
 */
export const freePort = (host = '127.0.0.1') => probePort(host, 0);
