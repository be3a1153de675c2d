// The console's production server as a benchmark subject: the shared launcher, with an admin
// token of its own and the runner's cleanup registered, so a failure or Ctrl-C still stops it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { spawnConsole as spawnConsoleServer } from '../../lib/console-server.mjs';
import { onCleanup } from './cleanup.mjs';
import { raiseFdLimit } from './fd-limit.mjs';

/**
 * Spawns the production server against `natsUrl` (see scripts/lib/console-server.mjs);
 * BENCH_SERVER=next-start makes plain `next start` the default, to compare the two on any
 * benchmark. `fdLimit`: raise the server's open-file limit to this (best effort, see
 * fd-limit.mjs; `fdLimitError` says why it could not), for thousands of clients; by default the
 * server keeps the limit it inherits.
 * @param {string} natsUrl
 * @param {import('../../lib/console-server.d.mts').ConsoleOptions & { fdLimit?: number }} [options]
 */
export async function spawnConsole(natsUrl, { env = {}, server = benchServer(), fdLimit, ...options } = {}) {
  // The API wants a credential; a configured token also keeps the console from generating one
  // into the repository's .data.
  const adminToken = randomBytes(32).toString('base64url');
  const child = await spawnConsoleServer(natsUrl, { ...options, server, env: { PIPES_ADMIN_TOKEN: adminToken, ...env } });
  const unregister = onCleanup(child.stop);
  // Raised on the running process (the launcher picks its own command line): it opens no
  // client's socket before the caller connects one, long after this.
  const fdLimitError = fdLimit === undefined ? undefined : raiseFdLimit(child.pid, fdLimit);
  return {
    ...child,
    fdLimitError,
    /** Send as `Authorization: Bearer <adminToken>`. */
    adminToken,
    async stop() {
      await child.stop();
      unregister();
    },
  };
}

/** @returns {'server.mjs' | 'next-start'} */
function benchServer() {
  const given = process.env.BENCH_SERVER ?? 'server.mjs';
  if (given !== 'server.mjs' && given !== 'next-start') throw new Error(`BENCH_SERVER must be server.mjs or next-start, got "${given}"`);
  return given;
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
  /** @param {string} answer */
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
      saw(String(/** @type {{ cause?: { code?: string } }} */ (err).cause?.code ?? err)); // ECONNREFUSED until it listens
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `GET /api/pipes did not answer 200 with ${expected} pipes within ${timeoutMs} ms; answers: ${JSON.stringify(answers)}\n${server.output()}`,
  );
}
