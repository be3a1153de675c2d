// Starts and stops a real `nats-server -js` on loopback. Shared by `npm start` (the embedded
// server) and the test harness. Node built-ins only: `npm start` runs it before `npm ci`.
import { spawn } from 'node:child_process';
import { stopChild } from './run.mjs';

const READY_LINE = /Server is ready/;
const LISTEN_LINE = /Listening for client connections on [^\s]*:(\d+)/;

/**
 * @param {{ storeDir: string, host?: string, port?: number, bin?: string, readyTimeoutMs?: number, extraArgs?: string[], jetstream?: boolean, ownProcessGroup?: boolean }} options
 *   port 0 (default) lets the server pick a free one; restart with the returned port to keep it.
 *   ownProcessGroup: out of the terminal's process group, so Ctrl-C reaches it only through stop().
 * @returns {Promise<import('./nats-server.d.mts').NatsServer>}
 */
export async function startNatsServer(options) {
  const host = options.host ?? '127.0.0.1';
  const bin = options.bin ?? 'nats-server';
  // jetstream: false only for tests of a server that lost it (restarted without -js).
  const args = [
    ...(options.jetstream === false ? [] : ['-js']),
    '-a',
    host,
    '-p',
    String(options.port || -1),
    '-sd',
    options.storeDir,
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: options.ownProcessGroup === true });
  let log = '';
  /** @type {import('./nats-server.d.mts').NatsServer['exited']} */
  const exitedPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const port = await new Promise((resolve, reject) => {
    let port = 0;
    const timer = setTimeout(
      () => fail(new Error(`nats-server was not ready within ${options.readyTimeoutMs ?? 10_000} ms:\n${log}`)),
      options.readyTimeoutMs ?? 10_000,
    );
    function fail(err) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    }
    child.once('error', (err) => fail(new Error(`cannot run ${bin}: ${err.message}`)));
    child.once('exit', (code) => fail(new Error(`nats-server exited with code ${code} before it was ready:\n${log}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      // Keep only the start-up log; a long-running server would otherwise grow this forever.
      if (log.length < 64_000) log += chunk;
      port ||= Number(LISTEN_LINE.exec(log)?.[1] ?? 0);
      if (port && READY_LINE.test(log)) {
        clearTimeout(timer);
        resolve(port);
      }
    });
  });
  child.stderr.resume();

  return {
    pid: /** @type {number} */ (child.pid),
    port,
    url: `nats://${host}:${port}`,
    storeDir: options.storeDir,
    exited: exitedPromise,
    stop: (signal = 'SIGTERM') => stopChild(child, exitedPromise, { signal }),
  };
}
