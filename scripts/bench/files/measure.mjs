// What the files benchmark times, and how: each command as a child process of node (the files
// CLI, the floor process, a raw KV listing), timed from spawn to exit with its peak RSS and CPU
// (usage-preload.mjs); and the import's floors in this process — sequential compare-and-set PUTs
// over one kept-alive node:http connection, and the raw KV `update`/`create` of the same keys.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../lib/cli.mjs';
import { stopChild } from '../../lib/run.mjs';
import { onCleanup } from '../lib/cleanup.mjs';
import { now } from '../lib/clock.mjs';
import { summarize } from '../lib/stats.mjs';

const CLI = join(repoRoot, 'scripts/pipes.mjs');
const FLOOR_PROCESS = join(import.meta.dirname, 'floor-process.mjs');
const RAW_LISTING_PROCESS = join(import.meta.dirname, '../lib/raw-watch-process.mjs');
const PRELOAD = pathToFileURL(join(import.meta.dirname, 'usage-preload.mjs')).href;
/** What is kept of a command's stdout: its end (the summary), not the 10,000 plan lines before it. */
const STDOUT_TAIL_BYTES = 4_096;
const COMMAND_TIMEOUT_MS = 300_000;

/** @typedef {{ maxRssKiB: number, userMs: number, systemMs: number, uptimeMs: number, bootstrapMs: number }} Usage */
/**
 * @typedef {{ args: string[], code: number | null, wallMs: number, usage: Usage, stdoutBytes: number, stdoutTail: string,
 *   stderr: { at: number, text: string }[] }} CommandRun
 *   wallMs: spawn → exit as this process saw it; stderr: each line with when it arrived (ms after spawn)
 */

let usageFiles = 0;

/**
 * Runs `node <script> <args…>` to its end with the usage preload; resolves with its exit code,
 * time, usage and output. A run still going when the benchmark is stopped is stopped by its PID.
 * @param {string} script
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<CommandRun>}
 */
export function runNode(script, args, env) {
  const usageFile = join(tmpdir(), `pipes-bench-files-usage-${process.pid}-${usageFiles++}.json`);
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, ['--import', PRELOAD, script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    const unregister = onCleanup(() => stopChild(child, exited));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    let stdoutBytes = 0;
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      stdoutBytes += Buffer.byteLength(chunk);
      tail = (tail + chunk).slice(-STDOUT_TAIL_BYTES);
    });
    /** @type {{ at: number, text: string }[]} */
    const stderr = [];
    let partial = '';
    child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      const at = now() - t0;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) stderr.push({ at, text });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      unregister();
      reject(err);
    });
    child.once('close', (code) => {
      const wallMs = now() - t0;
      clearTimeout(timer);
      unregister();
      if (partial) stderr.push({ at: wallMs, text: partial });
      try {
        const usage = /** @type {Usage} */ (JSON.parse(readFileSync(usageFile, 'utf8')));
        resolve({
          args: [script === CLI ? 'pipes.mjs' : (script.split('/').at(-1) ?? script), ...args],
          code,
          wallMs,
          usage,
          stdoutBytes,
          stdoutTail: tail,
          stderr,
        });
      } catch (err) {
        reject(
          new Error(
            `${script} ${args.join(' ')} exited ${code} without its usage: ${/** @type {Error} */ (err).message}\n${stderr.map((l) => l.text).join('\n')}`,
          ),
        );
      } finally {
        rmSync(usageFile, { force: true });
      }
    });
  });
}

/**
 * A run that must end with `code`, else the benchmark stops with its output.
 * @param {CommandRun} run
 * @param {number} code
 */
export function expectCode(run, code) {
  if (run.code === code) return run;
  const stderr = run.stderr.map((l) => l.text).join('\n');
  throw new Error(`${run.args.join(' ')} exited ${run.code}, expected ${code}:\n${stderr.slice(-2_000)}\n${run.stdoutTail.slice(-1_000)}`);
}

/**
 * The files CLI against a console, as a person runs it: PIPES_URL and PIPES_TOKEN.
 * @param {{ url: string, adminToken: string }} server
 */
export function cliOf(server) {
  const env = { PIPES_URL: server.url, PIPES_TOKEN: server.adminToken };
  return (/** @type {string[]} */ ...args) => runNode(CLI, args, env);
}

/**
 * The export/diff floor in a fresh node (floor-process.mjs); `result` is what it printed.
 * @param {{ url: string, adminToken: string }} server
 * @param {'export-json' | 'export-sql' | 'diff'} mode
 * @param {string} dir
 */
export async function floorProcess(server, mode, dir) {
  const run = await runNode(FLOOR_PROCESS, [mode, server.url, dir], { BENCH_FILES_TOKEN: server.adminToken });
  if (run.code !== 0 && !(mode === 'diff' && run.code === 1)) expectCode(run, 0);
  return { ...run, result: /** @type {{ pipes: number, bytes: number, differing?: number }} */ (JSON.parse(run.stdoutTail)) };
}

/**
 * The raw KV listing in a fresh node: a plain nats.js watch of the bucket to the end of its
 * replay, every value decoded (the cold-start benchmark's floor process).
 * @param {string} natsUrl
 * @param {string} bucket
 */
export async function rawListingProcess(natsUrl, bucket) {
  const run = expectCode(await runNode(RAW_LISTING_PROCESS, [natsUrl, bucket], {}), 0);
  return { ...run, result: /** @type {{ count: number, readyMs: number }} */ (JSON.parse(run.stdoutTail)) };
}

/** @typedef {{ key: string, body: string, precondition: { 'if-match': string } | { 'if-none-match': '*' } }} ApiWrite */

/**
 * The API's own cost of an import's writes: `writes` sent in order, each waiting for its answer,
 * `concurrency` at a time (1: one after the other), by a minimal client — node:http over as many
 * kept-alive connections, the answer's revision read from its JSON. Nothing else: no plan, no
 * files, no report.
 * @param {{ url: string, adminToken: string }} server
 * @param {ApiWrite[]} writes
 */
export async function apiWritesFloor(server, writes, concurrency = 1) {
  const target = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const revisions = {};
  /** @param {ApiWrite} write  @returns {Promise<{ status: number, text: string }>} */
  const send = ({ key, body, precondition }) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'PUT',
          path: `/api/pipes/${encodeURIComponent(key)}`,
          headers: {
            authorization: `Bearer ${server.adminToken}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...precondition,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (/** @type {string} */ c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    let next = 0;
    const lane = async () => {
      while (next < writes.length) {
        const write = writes[next++];
        const sent = now();
        const { status, text } = await send(write);
        latencies.push(now() - sent);
        if (status !== 200) throw new Error(`the API floor: PUT ${write.key} answered ${status}: ${text.slice(0, 200)}`);
        revisions[write.key] = JSON.parse(text).revision;
      }
    };
    const t0 = now();
    await Promise.all(Array.from({ length: concurrency }, lane));
    const totalMs = now() - t0;
    return { totalMs, writes: writes.length, concurrency, perWriteMs: brief(latencies), revisions };
  } finally {
    agent.destroy();
  }
}

/**
 * The raw KV floor: the same keys written with nats.js, one after the other, compare-and-set on
 * the revision (`update`) or create-only (`create`, when `revision` is undefined).
 * @param {import('@nats-io/kv').KV} kv
 * @param {{ key: string, text: string, revision?: number }[]} writes
 */
export async function rawKvFloor(kv, writes) {
  /** @type {Record<string, number>} */
  const revisions = {};
  /** @type {number[]} */
  const latencies = [];
  const t0 = now();
  for (const { key, text, revision } of writes) {
    const sent = now();
    revisions[key] = revision === undefined ? await kv.create(key, text) : await kv.update(key, text, revision);
    latencies.push(now() - sent);
  }
  return { totalMs: now() - t0, writes: writes.length, perWriteMs: brief(latencies), revisions };
}

/** @param {number[]} values */
function brief(values) {
  const s = summarize(values);
  delete s.runs;
  return s;
}

/**
 * The import's progress lines (`import: written N/total` on stderr), with when each came.
 * @param {CommandRun} run
 */
export function progressLines(run) {
  return run.stderr
    .map(({ at, text }) => ({ at, m: /^import: written (\d+)\/(\d+)$/.exec(text) }))
    .filter((l) => l.m)
    .map(({ at, m }) => ({ at, done: Number(m?.[1]) }));
}

/**
 * Polls the console's /api/health until its cache has reached `revision` and its archive is
 * quiet: nothing queued, and no fill-in running or still to come (the first one starts a while
 * after the cache is loaded, and reads the archive for every revision the bucket holds: writes
 * measured during it would pay for it).
 * @param {{ url: string }} server
 * @param {number} revision
 */
export async function quiet(server, revision, timeoutMs = 120_000) {
  const started = now();
  for (;;) {
    const health = await (await fetch(`${server.url}/api/health`)).json();
    if (health.revision >= revision && health.archive === 'ok' && health.archive_queued === 0 && health.archive_filling === false)
      return now() - started;
    if (now() - started > timeoutMs)
      throw new Error(`the console did not settle within ${timeoutMs} ms; last health: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * GET /api/pipes as the benchmark reads it (untimed): the revision of each key and its value.
 * @param {{ url: string, adminToken: string }} server
 * @returns {Promise<{ revision: number, pipes: { key: string, revision: number, value: Record<string, unknown> }[] }>}
 */
export async function listing(server) {
  const res = await fetch(`${server.url}/api/pipes`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  if (res.status !== 200) throw new Error(`GET /api/pipes answered ${res.status}`);
  return res.json();
}
