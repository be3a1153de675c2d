// The console's production server as a benchmark subject: spawned directly (not through npx, so
// the PID is the server's), on 127.0.0.1, with the time each log line arrived.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../../lib/cli.mjs';
import { stopChild } from '../../lib/run.mjs';
import { onCleanup } from './cleanup.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns the production server (`server.mjs`, or plain `next start` with server: 'next-start',
 * also the default when BENCH_SERVER=next-start, to compare the two on any benchmark) against
 * `natsUrl`. `spawnedAt` is performance.now() just before spawn();
 * `lineAt(re)` is when the first output line matching `re` reached us (ms after spawnedAt).
 * @param {string} natsUrl
 * @param {{ appDir?: string, env?: Record<string, string>, nodeArgs?: string[], server?: 'server.mjs' | 'next-start' }} [options]
 *   appDir: the app whose server.mjs and .next to run (default: the repository); env: more environment for
 *   the server; nodeArgs: for node itself, e.g. --cpu-prof (not allowed in NODE_OPTIONS)
 */
export async function spawnConsole(natsUrl, { appDir = repoRoot, env = {}, nodeArgs = [], server = process.env.BENCH_SERVER ?? 'server.mjs' } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The API wants a credential; a configured token also keeps the console from generating one
  // into the repository's .data.
  const adminToken = randomBytes(32).toString('base64url');
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      ...(server === 'server.mjs' ? [join(appDir, 'server.mjs')] : [join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', appDir]),
      ...['-H', '127.0.0.1', '-p', String(port)],
    ],
    {
      cwd: appDir,
      // PIPES_DIR empty: no .sql bootstrap, the bucket holds exactly what the benchmark put.
      env: { ...process.env, NODE_ENV: 'production', NATS_URL: natsUrl, PIPES_DIR: '', PORT: String(port), HOST: '127.0.0.1', PIPES_ADMIN_TOKEN: adminToken, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  /** @type {{ at: number, text: string }[]} */
  const lines = [];
  let partial = '';
  const onData = (chunk) => {
    const at = performance.now() - spawnedAt;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at, text });
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const stop = () => stopChild(child, exited);
  const unregister = onCleanup(stop);

  return {
    url,
    /** Send as `Authorization: Bearer <adminToken>`. */
    adminToken,
    pid: /** @type {number} */ (child.pid),
    spawnedAt,
    /** @param {RegExp} re */
    lineAt: (re) => lines.find((l) => re.test(l.text))?.at,
    output: () => lines.map((l) => l.text).join('\n'),
    /** The lines matching `re`, each with when it arrived (ms after spawn). */
    linesMatching: (re) => lines.filter((l) => re.test(l.text)).map((l) => ({ at: Math.round(l.at), text: l.text })),
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      await stop();
      unregister();
    },
  };
}

/**
 * Polls GET /api/pipes until it answers 200 with `expected` pipes. Each request during the load
 * waits on the server for the cache (up to its own 5 s), so polling adds little delay.
 * `answers` lists each distinct answer (status, pipe count or error) with when it was first seen.
 * @param {Awaited<ReturnType<typeof spawnConsole>>} server
 * @param {number} expected
 * @returns {Promise<{ at: number, attempts: number, bodyBytes: number, answers: { at: number, answer: string }[] }>}
 *   at: ms after spawn
 */
export async function waitForList(server, expected, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  let attempts = 0;
  /** @type {{ at: number, answer: string }[]} */
  const answers = [];
  const saw = (answer) => {
    if (answers.at(-1)?.answer !== answer) answers.push({ at: Math.round(performance.now() - server.spawnedAt), answer });
  };
  while (performance.now() < deadline) {
    if (server.exited()) throw new Error(`the console exited:\n${server.output()}`);
    attempts++;
    try {
      const res = await fetch(`${server.url}/api/pipes`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      const body = await res.text();
      if (res.status === 200) {
        const at = performance.now() - server.spawnedAt;
        const count = JSON.parse(body).pipes.length;
        saw(`200 with ${count} pipes`);
        if (count === expected) return { at, attempts, bodyBytes: Buffer.byteLength(body), answers };
      } else {
        saw(`${res.status} ${body.slice(0, 160)}`);
      }
    } catch (err) {
      saw(String(err?.cause?.code ?? err));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `GET /api/pipes did not answer 200 with ${expected} pipes within ${timeoutMs} ms; answers: ${JSON.stringify(answers)}\n${server.output()}`,
  );
}
