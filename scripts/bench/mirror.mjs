// The pipes.json mirror: put → DIR/pipes.json holds the change, for the console with
// PIPES_MIRROR_DIR, beside a floor doing the same job in a plain script in the same run — a raw
// KV watch that keeps the bucket in a map and, on every change, writes the whole pipes.json
// again (temp file + rename, no debounce, no checks). `pipes` pipes in the bucket; `runs`
// probes, each a put of one key after a quiet 400 ms, timed until each file holds it.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { DEFAULT_BUCKET } from '../../lib/defaults.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { onCleanup } from './lib/cleanup.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { machineFacts, now, startRun } from './lib/clock.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { rounded, summarize } from './lib/stats.mjs';
import { formatTable, ms } from './lib/table.mjs';

const PROBE = 'bench_mirror_probe';
const QUIET_MS = 400;
const TIMEOUT_MS = 10_000;
const GOAL_MS = 1_000;

/** @param {{ pipes: number, runs: number, log: (line: string) => void }} options */
export async function mirror({ pipes, runs, log }) {
  const run = startRun();
  const env = await openBenchEnvironment();
  const consoleDir = mkdtempSync(join(tmpdir(), 'pipes-bench-mirror-'));
  const floorDir = mkdtempSync(join(tmpdir(), 'pipes-bench-mirror-floor-'));
  const unregister = onCleanup(() => [consoleDir, floorDir].forEach((d) => rmSync(d, { recursive: true, force: true })));
  try {
    const kv = await new Kvm(env.writer).create(DEFAULT_BUCKET, { history: 3 });
    await putAll(kv, makePipes(pipes, 5));
    const server = await spawnConsole(env.nats.url, {
      appDir: env.app.dir,
      env: { PIPES_DATA_DIR: env.dataDir, PIPES_MIRROR_DIR: consoleDir },
    });
    await waitForList(server, pipes);
    const stopFloor = await startFloor(env.writer, floorDir);
    const consoleMs = [];
    const floorMs = [];
    log(`mirror: ${runs} probes with ${pipes} pipes`);
    for (let i = 0; i < runs; i++) {
      await sleep(QUIET_MS);
      const marker = `SELECT 'probe ${i}'`;
      const t0 = now();
      await kv.put(PROBE, JSON.stringify({ name: PROBE, sql: marker }));
      const [c, f] = await Promise.all([arrival(join(consoleDir, 'pipes.json'), marker), arrival(join(floorDir, 'pipes.json'), marker)]);
      consoleMs.push(c - t0);
      floorMs.push(f - t0);
    }
    stopFloor();
    await server.stop();
    const ended = run.end();
    const c = summarize(consoleMs);
    const f = summarize(floorMs);
    const report = [
      `mirror: put → pipes.json holds it, ${pipes} pipes, ${runs} probes; floor: a raw watch rewriting the file on every change, same run`,
      formatTable(
        ['figure', 'console', 'floor', 'ratio', 'goal', ''],
        [
          ['p50', ms(c.median), ms(f.median), (c.median / f.median).toFixed(1), '', ''],
          ['max', ms(c.max), ms(f.max), (c.max / f.max).toFixed(1), `≤ ${GOAL_MS} ms`, c.max <= GOAL_MS ? 'met' : 'missed'],
        ],
      ),
      `load average ${run.loadavgBefore.join(' ')} → ${ended.loadavgAfter.join(' ')}`,
    ].join('\n');
    return {
      name: 'mirror',
      report,
      results: rounded({ machine: machineFacts(run, ended.loadavgAfter), pipes, runs, console: c, floor: f, durationMs: ended.durationMs }),
    };
  } finally {
    unregister();
    [consoleDir, floorDir].forEach((d) => rmSync(d, { recursive: true, force: true }));
    await env.close();
  }
}

/**
 * The floor: the bucket in a map from a raw watch, the whole file written again on every change.
 * @param {import('@nats-io/nats-core').NatsConnection} nc
 * @param {string} dir
 */
async function startFloor(nc, dir) {
  const kv = await new Kvm(nc).open(DEFAULT_BUCKET);
  const iterator = await kv.watch({ key: '>', include: KvWatchInclude.LastValue });
  /** @type {Map<string, unknown>} */
  const state = new Map();
  /** @type {() => void} */
  let replayed = () => {};
  const ready = new Promise((resolve) => (replayed = () => resolve(undefined)));
  void (async () => {
    for await (const e of iterator) {
      if (e.operation === 'PUT') state.set(e.key, { name: e.key, ...JSON.parse(e.string()) });
      else state.delete(e.key);
      if (e.delta) continue; // the start's replay: written once, at its end
      const path = join(dir, 'pipes.json');
      writeFileSync(`${path}.tmp`, `${JSON.stringify({ pipes: [...state.values()] }, null, 2)}\n`);
      renameSync(`${path}.tmp`, path);
      replayed();
    }
  })();
  await ready;
  return () => iterator.stop();
}

/** When `file` first holds `marker`, polled every 2 ms. @param {string} file  @param {string} marker */
async function arrival(file, marker) {
  const deadline = now() + TIMEOUT_MS;
  const needle = JSON.stringify(marker).slice(1, -1);
  while (now() < deadline) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // not written yet
    }
    if (text.includes(needle)) return now();
    await sleep(2);
  }
  throw new Error(`${file} did not hold the probe within ${TIMEOUT_MS} ms`);
}
