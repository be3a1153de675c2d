// Cold start with a full bucket: how long until a fresh console serves every pipe, next to the
// floor set by NATS itself (a plain nats.js KV watch of the same bucket), and what each cached
// pipe costs in memory. One nats-server for the whole run; the console is a fresh `next start`
// (production build) for every run. BENCH_CONSOLE_CPU_PROF=<dir> runs it with --cpu-prof.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { startRun } from './lib/clock.mjs';
import { freePort } from '../lib/ports.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { memoryOf } from './lib/proc.mjs';
import { rounded, summarize } from './lib/stats.mjs';
import { msOf, times } from './lib/summary.mjs';
import { bytes, formatTable, mib, ms } from './lib/table.mjs';
import { DEFAULT_BUCKET } from '../../lib/defaults.mjs';

const BUCKET = DEFAULT_BUCKET;
// Same server, no pipes: the console's start-up cost without any data, for the memory baseline.
const EMPTY_BUCKET = 'BENCH_EMPTY_PIPES';
const HISTORY = 3;
const GOAL_MS = 2_000;
// The goal, against the floor in the same run: a plain KV watch in a fresh node process.
const GOAL_RATIO = 1.5;

/**
 * Time from connect until a plain KV watch (last values) has delivered every key: the floor
 * any watched cache sits on. `decode` also turns every value into a JSON object, the least work
 * a cache of pipes must do on top.
 * @param {string} servers
 * @param {number} expected
 * @param {{ decode: boolean }} options
 */
async function rawWatch(servers, expected, { decode }) {
  const t0 = performance.now();
  const nc = await connect({ servers, name: 'bench-raw-watch' });
  try {
    const connectedAt = performance.now() - t0;
    const kv = await new Kvm(nc).open(BUCKET);
    const iterator = await kv.watch({ key: '>', include: KvWatchInclude.LastValue });
    let count = 0;
    let valueBytes = 0;
    for await (const entry of iterator) {
      count++;
      valueBytes += entry.length;
      if (decode) entry.json();
      if (entry.delta === 0) break; // the end of the replay (isUpdate is off by one)
    }
    const doneAt = performance.now() - t0;
    if (count !== expected) throw new Error(`the raw watch delivered ${count} entries, expected ${expected}`);
    return { totalMs: doneAt, connectMs: connectedAt, valueBytes };
  } finally {
    await nc.close();
  }
}

/**
 * Spawn → a fresh `node` process has watched (and JSON-decoded) every key; timed from here.
 * @param {string} servers
 * @param {number} expected
 */
async function rawWatchProcess(servers, expected) {
  const t0 = performance.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(import.meta.dirname, 'lib/raw-watch-process.mjs'), servers, BUCKET],
    {
      timeout: 60_000,
    },
  );
  const totalMs = performance.now() - t0;
  const { count, readyMs } = JSON.parse(stdout);
  if (count !== expected) throw new Error(`the raw watch process saw ${count} entries, expected ${expected}`);
  return { totalMs, inProcessMs: readyMs };
}

/**
 * nats-server's own counters (monitoring port, loopback): a slow consumer means the server cut
 * a client that did not read fast enough, which would explain an outlier.
 * @param {string} monitorUrl
 * @returns {Promise<{ slowConsumers: number, outMsgs: number }>}
 */
async function natsCounters(monitorUrl) {
  const varz = await (await fetch(`${monitorUrl}/varz`)).json();
  return { slowConsumers: varz.slow_consumers, outMsgs: varz.out_msgs };
}

/**
 * One fresh console: spawn → GET /api/pipes 200 with every pipe → memory → stop.
 * @param {string} appDir
 * @param {string} natsUrl
 * @param {string} monitorUrl
 * @param {number} expected
 */
async function consoleRun(appDir, natsUrl, monitorUrl, expected, bucket = BUCKET) {
  const before = await natsCounters(monitorUrl);
  // BENCH_CONSOLE_CPU_PROF=<dir>: the console writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BENCH_CONSOLE_CPU_PROF;
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const server = await spawnConsole(natsUrl, { appDir, env: { PIPES_BUCKET: bucket }, nodeArgs });
  try {
    const list = await waitForList(server, expected);
    const memory = memoryOf(server.pid);
    const after = await natsCounters(monitorUrl);
    return {
      slowConsumers: after.slowConsumers - before.slowConsumers,
      listMs: list.at,
      readyLineMs: server.lineAt(/Ready in/),
      cacheLoadedLineMs: server.lineAt(/pipes cache loaded/),
      watchingLineMs: server.lineAt(/watching pipes bucket/),
      attempts: list.attempts,
      bodyBytes: list.bodyBytes,
      ...memory,
      answers: list.answers,
      serverLog: server.linesMatching(/pipes-console|Ready in/),
    };
  } finally {
    await server.stop();
  }
}

/**
 * Console runs worth a second look: the list answered long after the cache said it was loaded,
 * NATS cut a slow consumer, or the server logged a warning or an error.
 * @param {Record<string, ConsoleRun[]>} series
 */
function anomalies(series) {
  /** @type {{ series: string, run: number, listMs: number, reasons: string[], answers: ConsoleRun['answers'], serverLog: ConsoleRun['serverLog'] }[]} */
  const found = [];
  for (const [name, runs] of Object.entries(series)) {
    runs.forEach((run, i) => {
      const reasons = [];
      if (run.cacheLoadedLineMs !== undefined && run.listMs - run.cacheLoadedLineMs > 1_500) {
        reasons.push(`GET 200 came ${Math.round(run.listMs - run.cacheLoadedLineMs)} ms after "pipes cache loaded"`);
      }
      if (run.slowConsumers > 0) reasons.push(`nats-server cut ${run.slowConsumers} slow consumer(s)`);
      const warnings = run.serverLog.filter((l) => / (warn|error) /.test(l.text));
      if (warnings.length) reasons.push(`${warnings.length} warning/error line(s) in the server log`);
      if (reasons.length)
        found.push({ series: name, run: i + 1, listMs: run.listMs, reasons, answers: run.answers, serverLog: run.serverLog });
    });
  }
  return found;
}

/** @typedef {Awaited<ReturnType<typeof consoleRun>>} ConsoleRun */

/**
 * @template {object} R
 * @param {R[]} runs
 * @param {{ [K in keyof R]: R[K] extends number | undefined ? K : never }[keyof R]} field a numeric field
 */
const pick = (runs, field) => summarize(runs.map((r) => /** @type {number | undefined} */ (r[field])).filter((v) => v !== undefined));

/**
 * @param {{ pipes: number, runs: number, log: (line: string) => void }} options
 */
export async function coldStart({ pipes: pipeCount, runs, log }) {
  const runClock = startRun();
  const monitorPort = await freePort();
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  const env = await openBenchEnvironment({ natsArgs: ['-m', String(monitorPort)] });
  const { app, nats, writer } = env;
  try {
    const kvm = new Kvm(writer);
    const kv = await kvm.create(BUCKET, { history: HISTORY });
    await kvm.create(EMPTY_BUCKET, { history: HISTORY });

    const pipes = makePipes(pipeCount);
    const valueBytes = pipes.reduce((sum, p) => sum + Buffer.byteLength(p.value), 0);
    const keyBytes = pipes.reduce((sum, p) => sum + Buffer.byteLength(p.key), 0);
    log(`putting ${pipeCount} pipes (${(valueBytes / 1024 / 1024).toFixed(1)} MiB of values)`);
    const seedStart = performance.now();
    await putAll(kv, pipes);
    const seedMs = performance.now() - seedStart;
    const status = await kv.status();
    if (status.values !== pipeCount) throw new Error(`the bucket holds ${status.values} values, expected ${pipeCount}`);

    // The first start after a build reads everything from disk: reported, not counted.
    log('warm-up: one console start, not counted');
    const warmUp = await consoleRun(app.dir, nats.url, monitorUrl, pipeCount);

    // Interleaved, so a burst of load elsewhere on the machine hits every series alike.
    /** @type {Series} */
    const series = { rawRuns: [], decodedRuns: [], processRuns: [], fullRuns: [], emptyRuns: [] };
    for (let i = 0; i < runs; i++) {
      log(`run ${i + 1}/${runs}: raw watch, + JSON decode, in a fresh process, console (full bucket), console (empty bucket)`);
      series.rawRuns.push(await rawWatch(nats.url, pipeCount, { decode: false }));
      series.decodedRuns.push(await rawWatch(nats.url, pipeCount, { decode: true }));
      series.processRuns.push(await rawWatchProcess(nats.url, pipeCount));
      series.fullRuns.push(await consoleRun(app.dir, nats.url, monitorUrl, pipeCount));
      series.emptyRuns.push(await consoleRun(app.dir, nats.url, monitorUrl, 0, EMPTY_BUCKET));
    }

    const results = summariseRuns({ runClock, pipeCount, runs, valueBytes, keyBytes, seedMs, app, warmUp }, series);
    return { name: 'cold-start', results: rounded(results), report: report(results), rows: rows(results) };
  } finally {
    await env.close();
  }
}

/**
 * @typedef {{ rawRuns: Awaited<ReturnType<typeof rawWatch>>[], decodedRuns: Awaited<ReturnType<typeof rawWatch>>[],
 *   processRuns: Awaited<ReturnType<typeof rawWatchProcess>>[], fullRuns: ConsoleRun[], emptyRuns: ConsoleRun[] }} Series
 *   each measurement, run after run
 */

/**
 * The results of a run, from its measurements.
 * @param {{ runClock: import('./lib/clock.mjs').RunClock, pipeCount: number, runs: number, valueBytes: number, keyBytes: number, seedMs: number,
 *   app: { buildId: string, builtAt: string }, warmUp: ConsoleRun }} run
 * @param {Series} series
 */
function summariseRuns({ runClock, pipeCount, runs, valueBytes, keyBytes, seedMs, app, warmUp }, series) {
  const { rawRuns, decodedRuns, processRuns, fullRuns, emptyRuns } = series;
  const raw = pick(rawRuns, 'totalMs');
  const decoded = pick(decodedRuns, 'totalMs');
  const list = pick(fullRuns, 'listMs');
  const emptyList = pick(emptyRuns, 'listMs');
  const rssEmpty = pick(emptyRuns, 'rssKiB');
  const rssFull = pick(fullRuns, 'rssKiB');
  const perPipeBytes = ((rssFull.median - rssEmpty.median) * 1024) / pipeCount;

  return {
    benchmark: 'cold-start',
    startedAt: runClock.startedAt,
    machine: {
      node: process.version,
      cpus: availableParallelism(),
      loadavg1Before: runClock.loadavgBefore[0],
      loadavg1After: runClock.end().loadavgAfter[0],
    },
    setup: {
      pipes: pipeCount,
      runs,
      bucket: BUCKET,
      history: HISTORY,
      valueBytes: { total: valueBytes, meanPerPipe: valueBytes / pipeCount, keysTotal: keyBytes },
      seedMs,
      goalMs: GOAL_MS,
      build: { id: app.buildId, builtAt: app.builtAt },
    },
    rawWatch: { connectToAllMs: raw, connectMs: pick(rawRuns, 'connectMs') },
    rawWatchDecoded: { connectToAllMs: decoded },
    rawWatchFreshProcess: { spawnToAllMs: pick(processRuns, 'totalMs'), processStartToAllMs: pick(processRuns, 'inProcessMs') },
    console: {
      spawnToListMs: list,
      spawnToReadyLineMs: pick(fullRuns, 'readyLineMs'),
      spawnToWatchingLineMs: pick(fullRuns, 'watchingLineMs'),
      spawnToCacheLoadedLineMs: pick(fullRuns, 'cacheLoadedLineMs'),
      warmUpRun: warmUp,
      listResponseBytes: fullRuns[0]?.bodyBytes,
      ratioToRawMedian: list.median / raw.median,
      ratioToFreshProcessMedian: list.median / pick(processRuns, 'totalMs').median,
      meetsGoal: list.max <= GOAL_MS,
    },
    consoleEmptyBucket: {
      spawnToListMs: emptyList,
      spawnToReadyLineMs: pick(emptyRuns, 'readyLineMs'),
      spawnToWatchingLineMs: pick(emptyRuns, 'watchingLineMs'),
      spawnToCacheLoadedLineMs: pick(emptyRuns, 'cacheLoadedLineMs'),
    },
    memory: {
      note: 'VmRSS of the console right after GET /api/pipes answered; includes V8 heap slack and the garbage of building the response',
      rssEmptyKiB: rssEmpty,
      rssFullKiB: rssFull,
      peakRssFullKiB: pick(fullRuns, 'hwmKiB'),
      perPipeBytes,
      perPipeOverValueBytes: perPipeBytes / (valueBytes / pipeCount),
    },
    anomalies: anomalies({ console: fullRuns, consoleEmptyBucket: emptyRuns, warmUp: [warmUp] }),
    runs: { raw: rawRuns, rawDecoded: decodedRuns, rawFreshProcess: processRuns, console: fullRuns, consoleEmptyBucket: emptyRuns },
  };
}

/**
 * The row of the one table (lib/summary.mjs).
 * @param {ReturnType<typeof summariseRuns>} r
 * @returns {import('./lib/summary.mjs').SummaryRow[]}
 */
function rows(r) {
  const ratio = r.console.ratioToFreshProcessMedian;
  return [
    {
      figure: `cold start, ${r.setup.pipes.toLocaleString('en')} pipes in the bucket → \`GET /api/pipes\` has all, median`,
      measured: `${msOf(r.console.spawnToListMs.median)} (empty bucket ${msOf(r.consoleEmptyBucket.spawnToListMs.median)})`,
      floor: `a plain KV watch in a fresh node process ${msOf(r.rawWatchFreshProcess.spawnToAllMs.median)}`,
      ratio: times(ratio),
      goal: `≤ ${GOAL_RATIO}×`,
      met: ratio <= GOAL_RATIO,
    },
  ];
}

/** @param {ReturnType<typeof summariseRuns>} r */
function report(r) {
  /** @param {string} label  @param {ReturnType<typeof summarize>} s */
  const row = (label, s) => [label, ms(s.median), ms(s.p99), ms(s.max), ms(s.min)];
  const timing = formatTable(
    [`time to all ${r.setup.pipes} pipes (N=${r.setup.runs})`, 'median', 'p99', 'max', 'min'],
    [
      row('raw nats.js KV watch, connect → delta 0', r.rawWatch.connectToAllMs),
      row('  + JSON decode of every value', r.rawWatchDecoded.connectToAllMs),
      row('  + decode, in a fresh node: spawn → all', r.rawWatchFreshProcess.spawnToAllMs),
      row('console: spawn → log "Ready in"', r.console.spawnToReadyLineMs),
      row('console: spawn → log "watching pipes bucket"', r.console.spawnToWatchingLineMs),
      row('console: spawn → log "pipes cache loaded"', r.console.spawnToCacheLoadedLineMs),
      row('console: spawn → GET /api/pipes 200, all', r.console.spawnToListMs),
      row('console, empty bucket: spawn → "Ready in"', r.consoleEmptyBucket.spawnToReadyLineMs),
      row('console, empty bucket: spawn → "watching"', r.consoleEmptyBucket.spawnToWatchingLineMs),
      row('console, empty bucket: spawn → GET 200', r.consoleEmptyBucket.spawnToListMs),
    ],
  );
  const m = r.memory;
  const memory = formatTable(
    ['memory (median of runs)', 'value'],
    [
      ['console RSS, empty bucket', mib(m.rssEmptyKiB.median)],
      [`console RSS, ${r.setup.pipes} pipes loaded`, mib(m.rssFullKiB.median)],
      ['console peak RSS (VmHWM), pipes loaded', mib(m.peakRssFullKiB.median)],
      ['RSS per cached pipe (estimate)', bytes(m.perPipeBytes)],
      ['raw value per pipe (mean)', bytes(r.setup.valueBytes.meanPerPipe)],
      ['RSS per pipe / value bytes', `${m.perPipeOverValueBytes.toFixed(1)}×`],
      ['GET /api/pipes response', `${(r.console.listResponseBytes / 1024 / 1024).toFixed(1)} MiB`],
    ],
  );
  const verdict = r.console.meetsGoal
    ? `goal ≤ ${r.setup.goalMs} ms: met (max ${ms(r.console.spawnToListMs.max)})`
    : `goal ≤ ${r.setup.goalMs} ms: NOT met (median ${ms(r.console.spawnToListMs.median)}, max ${ms(r.console.spawnToListMs.max)})`;
  return [
    `cold start · ${r.setup.pipes} pipes · N=${r.setup.runs} · node ${r.machine.node} · ${r.machine.cpus} CPUs · load ${r.machine.loadavg1Before} → ${r.machine.loadavg1After}`,
    `(seeded in ${ms(r.setup.seedMs)}; p99 of ${r.setup.runs} runs is the max; first start after the build, not counted: ${ms(r.console.warmUpRun.listMs)})`,
    '',
    timing,
    '',
    `console / raw watch (median): ${r.console.ratioToRawMedian.toFixed(1)}×   console / fresh-process raw watch: ${r.console.ratioToFreshProcessMedian.toFixed(1)}×`,
    verdict,
    '',
    memory,
    ...(r.anomalies.length
      ? [
          '',
          `anomalies (details in the JSON: answers, server log):`,
          ...r.anomalies.map((a) => `  ${a.series} run ${a.run} (${ms(a.listMs)}): ${a.reasons.join('; ')}`),
        ]
      : []),
  ].join('\n');
}
