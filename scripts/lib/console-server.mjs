// The one launcher of the console's production server, for the integration and browser tests
// and the benchmarks: spawned directly (not through npx, so the PID is the server's own), on
// 127.0.0.1 (given explicitly unless a test checks the server's own default), with the time each
// log line came.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './cli.mjs';
import { freePort } from './ports.mjs';
import { stopChild } from './run.mjs';

const HOST = '127.0.0.1';

/**
 * Spawns the server and returns at once; see startConsole to wait until it answers.
 * @param {string} natsUrl
 * @param {import('./console-server.d.mts').ConsoleOptions} [options]
 * @returns {Promise<import('./console-server.d.mts').ConsoleServer>}
 */
export async function spawnConsole(
  natsUrl,
  { appDir = repoRoot, env = {}, nodeArgs = [], server = 'server.mjs', hostGiven = true, port: givenPort } = {},
) {
  const port = givenPort ?? (await freePort(HOST));
  const entry =
    server === 'server.mjs' ? [join(appDir, 'server.mjs')] : [join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', appDir];
  const spawnedAt = performance.now();
  const { HOST: _inherited, ...inheritedEnv } = process.env;
  const child = spawn(process.execPath, [...nodeArgs, ...entry, ...(hostGiven ? ['-H', HOST] : []), '-p', String(port)], {
    cwd: appDir,
    // PIPES_DIR empty: no .sql bootstrap, the bucket holds exactly what the caller put.
    env: {
      ...inheritedEnv,
      NODE_ENV: 'production',
      NATS_URL: natsUrl,
      PIPES_DIR: '',
      ...(hostGiven ? { HOST } : {}),
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {{ at: number, text: string }[]} */
  const lines = [];
  /** @param {import('node:stream').Readable} stream  @returns {() => string} the line not ended yet */
  const collect = (stream) => {
    let partial = '';
    stream.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      const at = performance.now() - spawnedAt;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ at, text });
    });
    return () => partial;
  };
  const partials = [collect(child.stdout), collect(child.stderr)];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://${HOST}:${port}`,
    port,
    pid: /** @type {number} */ (child.pid),
    spawnedAt,
    output: () => [...lines.map((l) => l.text), ...partials.map((p) => p()).filter(Boolean)].join('\n'),
    lineAt: (re) => lines.find((l) => re.test(l.text))?.at,
    linesMatching: (re) => lines.filter((l) => re.test(l.text)).map((l) => ({ at: Math.round(l.at), text: l.text })),
    exited: () => child.exitCode !== null || child.signalCode !== null,
    exitCode: () => child.exitCode,
    stop: () => stopChild(child, exited),
  };
}

/**
 * Spawns the server (`.next` must be built) and resolves once GET /api/health answers 200, or
 * answers at all with `waitHealthy: false` (a test of an outage wants the 503). Stops it and
 * throws with its output when it exits or does not get there within `timeoutMs`.
 * @param {string} natsUrl
 * @param {import('./console-server.d.mts').ConsoleOptions & { waitHealthy?: boolean, timeoutMs?: number }} [options]
 * @returns {Promise<import('./console-server.d.mts').ConsoleServer>}
 */
export async function startConsole(natsUrl, { waitHealthy = true, timeoutMs = 30_000, ...options } = {}) {
  const server = await spawnConsole(natsUrl, options);
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer';
  while (!server.exited() && performance.now() < deadline) {
    try {
      const res = await fetch(`${server.url}/api/health`);
      await res.body?.cancel();
      if (res.status === 200 || !waitHealthy) return server;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(/** @type {Error} */ (err).cause ?? err); // refused until it listens
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const why = server.exited()
    ? 'the console exited'
    : `not ${waitHealthy ? 'healthy' : 'answering'} within ${timeoutMs} ms (last: ${last})`;
  await server.stop();
  throw new Error(`console at ${server.url}: ${why}\n--- console output ---\n${server.output()}`);
}
