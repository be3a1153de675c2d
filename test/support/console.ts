import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitFor } from './poll';

const root = path.resolve(import.meta.dirname, '../..');

export type TestConsole = {
  url: string;
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs the production build (`server.mjs`, as `npm start` does, or plain `next start` with
 * `server: 'next-start'`; `.next` must be built) against `natsUrl` and waits until /api/health
 * answers 200, or `waitHealthy: false` to return as soon as it answers at all.
 */
export async function startConsole(
  natsUrl: string,
  {
    env = {},
    waitHealthy = true,
    server = 'server.mjs',
  }: { env?: Record<string, string>; waitHealthy?: boolean; server?: 'server.mjs' | 'next-start' } = {},
): Promise<TestConsole> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const entry = server === 'server.mjs' ? [path.join(root, 'server.mjs')] : [path.join(root, 'node_modules/next/dist/bin/next'), 'start'];
  const child: ChildProcess = spawn(
    process.execPath,
    [...entry, '-H', '127.0.0.1', '-p', String(port)],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production', NATS_URL: natsUrl, PIPES_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`console exited with ${child.exitCode}:\n${output}`);
        const res = await fetch(`${url}/api/health`);
        return waitHealthy ? res.status === 200 : true;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `console at ${url} to be healthy` },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- console output ---\n${output}`);
  }
  return { url, pid: child.pid!, output: () => output, stop };
}
