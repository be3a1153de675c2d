import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCutProxy, type CutProxy } from './cut-proxy.mjs';

// Real loopback sockets: an echo server behind the proxy.
let echo: Server | undefined;
let proxy: CutProxy | undefined;

afterEach(async () => {
  await proxy?.stop();
  await new Promise((resolve) => (echo ? echo.close(() => resolve(undefined)) : resolve(undefined)));
  echo = proxy = undefined;
});

async function echoBehindProxy(): Promise<CutProxy> {
  // The cut reaches the echo server too, as a reset it is expected to shrug off.
  echo = createServer((socket) => socket.on('error', () => {}).pipe(socket));
  await new Promise<void>((resolve) => echo!.listen(0, '127.0.0.1', resolve));
  proxy = await startCutProxy({ port: (echo.address() as AddressInfo).port });
  return proxy;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function echoOf(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (data) => resolve(data.toString()));
    socket.write(text);
  });
}

describe('startCutProxy', () => {
  it('passes bytes both ways', async () => {
    const p = await echoBehindProxy();
    const socket = await open(p.port);
    expect(await echoOf(socket, 'ping')).toBe('ping');
    socket.destroy();
  });

  it('cutAll resets every open connection', async () => {
    const p = await echoBehindProxy();
    const [a, b] = await Promise.all([open(p.port), open(p.port)]);
    await Promise.all([echoOf(a, 'a'), echoOf(b, 'b')]);
    const ended = (s: Socket) =>
      new Promise<string>((resolve) =>
        s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error')).once('close', () => resolve('closed')),
      );
    const endings = Promise.all([ended(a), ended(b)]);
    p.cutAll();
    expect(await endings).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(p.cuts).toBe(1);
  });

  it('lets new connections through after a cut', async () => {
    const p = await echoBehindProxy();
    const before = await open(p.port);
    before.on('error', () => {});
    p.cutAll();
    const after = await open(p.port);
    expect(await echoOf(after, 'again')).toBe('again');
    after.destroy();
  });
});
