// Live-channel latency: how long from a `kv.put` until the change is in a browser's hands, next
// to the floor set by NATS itself. One nats-server and one console (server.mjs, production
// build, 127.0.0.1) for the whole run; three series, one after the other, on the same key:
//   1. raw floor: a plain nats.js KV watch (updates only, its own connection, console not
//      running) — put → entry received;
//   2. the console with 1 SSE client (in this process) — put → `put` event parsed;
//   3. the console with `clients` SSE clients held in a separate node process
//      (lib/sse-fanout-process.mjs) — put → each client's `put` event; per put the first, the
//      median and the last client;
//   4. the same fan-out against the same build under plain `next start`, where the route handler
//      streams the events (server.mjs serves them straight to the socket): what the fast path buys.
// Every put is timed from just before kv.put() in the writer, with one wall clock shared by both
// processes (performance.timeOrigin + performance.now()). Puts are spaced: the next one waits
// until every receiver has the previous one, then at least GAP_MS more and INTERVAL_MS since
// the previous put started (load shaping, so each put is measured on its own).
// BENCH_CONSOLE_CPU_PROF=<dir> runs the console with --cpu-prof (profile written when it stops).
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { stopChild } from '../lib/run.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { onCleanup } from './lib/cleanup.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { cpuMsOf, memoryOf, socketCountOf } from './lib/proc.mjs';
import { machineFacts, now, startRun } from './lib/clock.mjs';
import { openSseStream } from './lib/sse-stream.mjs';
import { rounded, summarize } from './lib/stats.mjs';
import { msPair, ratios } from './lib/summary.mjs';
import { formatTable } from './lib/table.mjs';
import { DEFAULT_BUCKET } from '../../lib/defaults.mjs';

const BUCKET = DEFAULT_BUCKET;
const HISTORY = 3;
export const PROBE_KEY = 'bench_sse_latency_probe';
const INTERVAL_MS = 20;
const GAP_MS = 5;
export const WARMUP_PUTS = 10;
const ARRIVAL_TIMEOUT_MS = 10_000;
const OPEN_CONCURRENCY = 50;
const GOAL_RATIO_1_CLIENT = 1.5; // console p50 and p99 ≤ 1.5× the raw floor's
const GOAL_LAST_CLIENT_P99_MS = 50;

/** @typedef {import('@nats-io/kv').KV} KV */
/** @typedef {(line: string) => void} Log */
/** @typedef {{ url: string, adminToken: string, pid: number }} Server what a series needs of the console under test */

/** A realistic pipe value for the probe key; the description carries the sequence number. */
export function probeValues() {
  const base = JSON.parse(makePipes(1, 7)[0].value);
  return (/** @type {number} */ seq) => JSON.stringify({ ...base, name: PROBE_KEY, description: `${base.description} #${seq}` });
}

/** Arrivals by revision: record() from the receiver, wait() from the writer, in any order. */
export class Arrivals {
  /** @type {Map<number, any>} */ got = new Map();
  /** @type {Map<number, { resolve: (v: any) => void, reject: (err: Error) => void }>} */ waiters = new Map();
  /** @type {Error | undefined} */ error;

  /** @param {number} revision  @param {any} value */
  record(revision, value) {
    const waiter = this.waiters.get(revision);
    if (waiter) {
      this.waiters.delete(revision);
      waiter.resolve(value);
    } else {
      this.got.set(revision, value);
    }
  }

  /**
   * The receiver is gone: every wait fails now.
   * @param {Error} err
   */
  fail(err) {
    this.error ??= err;
    for (const w of this.waiters.values()) w.reject(err);
    this.waiters.clear();
  }

  /**
   * The value for `revision`, or undefined after `timeoutMs`.
   * @param {number} revision
   * @returns {Promise<any>}
   */
  wait(revision, timeoutMs = ARRIVAL_TIMEOUT_MS) {
    if (this.got.has(revision)) {
      const value = this.got.get(revision);
      this.got.delete(revision);
      return Promise.resolve(value);
    }
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(revision);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(revision, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }
}

/**
 * Puts `warmup + count` values, one at a time, spaced; `arrivals` must get each revision.
 * Returns the counted samples ({ revision, t0, value }) and the revisions that never arrived.
 * Exported for the fanout benchmark, which spaces its puts the same way.
 * @param {{ kv: KV, nextValue: () => string, count: number, warmup: number, arrivals: Arrivals, log: Log, label: string }} options
 */
export async function putSeries({ kv, nextValue, count, warmup, arrivals, log, label }) {
  /** @type {{ revision: number, t0: number, value: any }[]} */
  const samples = [];
  /** @type {number[]} */
  const missing = [];
  for (let i = -warmup; i < count; i++) {
    const value = nextValue();
    const t0 = now();
    const revision = await kv.put(PROBE_KEY, value);
    const got = await arrivals.wait(revision);
    if (i >= 0) {
      if (got === undefined) missing.push(revision);
      else samples.push({ revision, t0, value: got });
    }
    if (got === undefined) log(`${label}: revision ${revision} did not arrive within ${ARRIVAL_TIMEOUT_MS} ms`);
    const after = now();
    await sleep(Math.max(GAP_MS, t0 + INTERVAL_MS - after));
  }
  return { samples, missing };
}

/**
 * Series 1: a plain KV watcher on its own connection; the console is not running.
 * @param {{ servers: string, kv: KV, nextValue: () => string, count: number, log: Log }} options
 */
async function rawFloor({ servers, kv, nextValue, count, log }) {
  const nc = await connect({ servers, name: 'bench-raw-watcher' });
  try {
    const watchKv = await new Kvm(nc).open(BUCKET);
    const iterator = await watchKv.watch({ key: PROBE_KEY, include: KvWatchInclude.UpdatesOnly });
    const arrivals = new Arrivals();
    const reading = (async () => {
      for await (const entry of iterator) arrivals.record(entry.revision, now());
    })();
    const series = await putSeries({ kv, nextValue, count, warmup: WARMUP_PUTS, arrivals, log, label: 'raw floor' });
    iterator.stop();
    await reading;
    return { latencies: series.samples.map((s) => s.value - s.t0), missing: series.missing };
  } finally {
    await nc.close();
  }
}

/**
 * Series 2: one SSE client in this process. Exported for the archive benchmark, which runs it
 * against consoles that differ in one setting; `kv` must be the bucket `server` watches.
 * @param {{ server: Server, kv: KV, nextValue: () => string, count: number, log: Log }} options
 */
export async function oneClient({ server, kv, nextValue, count, log }) {
  const arrivals = new Arrivals();
  /** @type {number | undefined} */
  let snapshotRevision;
  let lastId = -1;
  let orderErrors = 0;
  let lateSnapshots = 0;
  let otherEvents = 0;
  /** @type {() => void} */
  let gotSnapshot = () => {};
  const snapshot = new Promise((resolve) => (gotSnapshot = () => resolve(undefined)));
  const stream = await openSseStream({
    url: `${server.url}/api/events`,
    token: server.adminToken,
    onEvent: ({ event, id }, at) => {
      if (event === 'status' || event === 'presence') return;
      if (event === 'snapshot') {
        if (snapshotRevision === undefined) snapshotRevision = Number(id);
        else lateSnapshots++;
        lastId = Number(id);
        gotSnapshot();
        return;
      }
      const revision = Number(id);
      if (!(revision > lastId)) orderErrors++;
      lastId = revision;
      if (event === 'put') arrivals.record(revision, at);
      else otherEvents++;
    },
  });
  const close = onCleanup(() => stream.close());
  try {
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error('no snapshot on /api/events within 30 s')), 30_000)),
    );
    await Promise.race([snapshot, timeout]).finally(() => clearTimeout(timer));
    const cpuBefore = cpuMsOf(server.pid);
    const series = await putSeries({ kv, nextValue, count, warmup: WARMUP_PUTS, arrivals, log, label: '1 client' });
    const cpuMs = cpuMsOf(server.pid) - cpuBefore;
    return {
      latencies: series.samples.map((s) => s.value - s.t0),
      missing: series.missing,
      checks: { snapshotRevision, orderErrors, lateSnapshots, otherEvents },
      consoleCpuMsPerPut: cpuMs / (count + WARMUP_PUTS),
    };
  } finally {
    stream.close();
    close();
  }
}

/**
 * Series 3: `clients` SSE clients in a child process. Exported for ad-hoc comparisons: `server`
 * only needs { url, adminToken, pid } of any server that serves the live channel on /api/events.
 * @param {{ server: Server, kv: KV, nextValue: () => string, clients: number, count: number, log: Log }} options
 */
export async function fanOut({ server, kv, nextValue, clients, count, log }) {
  const arrivals = new Arrivals();
  const child = fork(
    join(import.meta.dirname, 'lib/sse-fanout-process.mjs'),
    [`${server.url}/api/events`, String(clients), String(OPEN_CONCURRENCY)],
    {
      env: { ...process.env, BENCH_SSE_TOKEN: server.adminToken },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = () => stopChild(child, exited);
  const unregister = onCleanup(stop);
  /** @type {Map<string, { resolve: (msg: any) => void, reject: (err: Error) => void }>} */
  const once = new Map();
  /** @type {Error | undefined} */
  let fatal;
  let finished = false;
  /** @param {string} type  @param {number} timeoutMs  @returns {Promise<any>} */
  const nextMessage = (type, timeoutMs) =>
    new Promise((resolve, reject) => {
      if (fatal) return reject(fatal);
      const timer = setTimeout(() => reject(new Error(`the fan-out process sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      /** @param {(v: any) => void} fn */
      const done = (fn) => (/** @type {any} */ v) => {
        clearTimeout(timer);
        once.delete(type);
        fn(v);
      };
      once.set(type, { resolve: done(resolve), reject: done(reject) });
    });
  /** @param {Error} err */
  const fail = (err) => {
    const first = (fatal ??= err);
    for (const w of [...once.values()]) w.reject(first);
    arrivals.fail(first);
  };
  child.on('message', (/** @type {any} */ msg) => {
    if (msg.type === 'put') arrivals.record(msg.revision, msg);
    else if (msg.type === 'fatal') fail(new Error(`fan-out process: ${msg.message}`));
    else once.get(msg.type)?.resolve(msg);
  });
  child.once('exit', (code, signal) => {
    if (!finished) fail(new Error(`the fan-out process exited early (code ${code}, signal ${signal})`));
  });
  try {
    log(`opening ${clients} SSE streams in a separate process (${OPEN_CONCURRENCY} at a time)`);
    const cpuBeforeOpen = cpuMsOf(server.pid);
    const ready = await nextMessage('ready', 180_000);
    const consoleCpuOpenMs = cpuMsOf(server.pid) - cpuBeforeOpen;
    const memory = memoryOf(server.pid);
    const sockets = socketCountOf(server.pid);
    log(`${clients} streams open in ${Math.round(ready.openMs)} ms, all snapshots after ${Math.round(ready.allSnapshotsMs)} ms`);

    // The two processes share the wall clock; check it with a few IPC round trips.
    let clock = { rttMs: Infinity, offsetMs: NaN };
    for (let i = 0; i < 7; i++) {
      const reply = nextMessage('clock', 5_000);
      child.send({ type: 'clock', t: now() });
      const msg = await reply;
      const back = now();
      if (back - msg.t < clock.rttMs) clock = { rttMs: back - msg.t, offsetMs: msg.child - (msg.t + back) / 2 };
    }

    const cpuBefore = cpuMsOf(server.pid);
    const series = await putSeries({ kv, nextValue, count, warmup: WARMUP_PUTS, arrivals, log, label: `${clients} clients` });
    const consoleCpuMs = cpuMsOf(server.pid) - cpuBefore;
    const summaryMessage = nextMessage('summary', 10_000);
    finished = true;
    child.send({ type: 'finish' });
    const summary = await summaryMessage;

    const perPut = series.samples.map(({ revision, t0, value }) => {
      const times = /** @type {number[]} */ (value.times).map((t) => t - t0).sort((a, b) => a - b);
      return {
        revision,
        first: times[0],
        median: summarize(times).median,
        last: times[times.length - 1],
        clientHandlerMs: /** @type {number} */ (value.handlerMs),
      };
    });
    return {
      clients,
      perPut,
      missing: series.missing,
      open: {
        openMs: ready.openMs,
        allSnapshotsMs: ready.allSnapshotsMs,
        snapshotRevisions: ready.snapshotRevisions,
        consoleCpuMs: consoleCpuOpenMs,
      },
      consoleWithClients: { ...memory, sockets },
      consoleCpuMsPerPut: consoleCpuMs / (count + WARMUP_PUTS),
      clock,
      client: summary,
    };
  } finally {
    await stop();
    unregister();
  }
}

/**
 * @param {{ pipes: number, puts: number, clients: number, fanoutPuts?: number, log: (line: string) => void }} options
 *   pipes: pipes in the bucket (each new stream's snapshot); puts: N of the raw and 1-client
 *   series; fanoutPuts: N of the fan-out series (default puts / 2)
 */
export async function sseLatency({ pipes: pipeCount, puts, clients, fanoutPuts = Math.ceil(puts / 2), log }) {
  const runClock = startRun();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  /** @type {Awaited<ReturnType<typeof spawnConsole>> | undefined} */
  let server;
  try {
    const kv = await new Kvm(writer).create(BUCKET, { history: HISTORY });
    await putAll(kv, makePipes(pipeCount));
    const value = probeValues();
    let seq = 0;
    const nextValue = () => value(seq++);
    const valueBytes = Buffer.byteLength(value(0));

    log(`raw floor: plain KV watch, ${puts} puts (+${WARMUP_PUTS} warm-up)`);
    const raw = await rawFloor({ servers: nats.url, kv, nextValue, count: puts, log });

    log('starting the console (server.mjs)');
    // BENCH_CONSOLE_CPU_PROF=<dir>: the console writes a V8 CPU profile there when it stops.
    const profileDir = process.env.BENCH_CONSOLE_CPU_PROF;
    const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    server = await spawnConsole(nats.url, { appDir: app.dir, env: { PIPES_DATA_DIR: dataDir }, nodeArgs });
    await waitForList(server, pipeCount + 1); // + the probe key, written by the raw series

    log(`console, 1 SSE client: ${puts} puts (+${WARMUP_PUTS} warm-up)`);
    const one = await oneClient({ server, kv, nextValue, count: puts, log });

    log(`console, ${clients} SSE clients: ${fanoutPuts} puts (+${WARMUP_PUTS} warm-up)`);
    const fan = await fanOut({ server, kv, nextValue, clients, count: fanoutPuts, log });
    const serverWarnings = server.linesMatching(/ (warn|error) /i);
    await server.stop();

    log(`the same build under plain next start (route handler), ${clients} SSE clients: ${fanoutPuts} puts (+${WARMUP_PUTS} warm-up)`);
    server = await spawnConsole(nats.url, { appDir: app.dir, env: { PIPES_DATA_DIR: dataDir }, server: 'next-start' });
    await waitForList(server, pipeCount + 1);
    const viaRoute = await fanOut({ server, kv, nextValue, clients, count: fanoutPuts, log });
    serverWarnings.push(...server.linesMatching(/ (warn|error) /i));

    const results = summariseSeries({
      runClock,
      pipeCount,
      valueBytes,
      puts,
      fanoutPuts,
      clients,
      app,
      raw,
      one,
      fan,
      viaRoute,
      serverWarnings,
    });
    return { name: 'sse-latency', results: rounded(results, 3), report: report(results), rows: rows(results) };
  } finally {
    await server?.stop();
    await env.close();
  }
}

/**
 * The row of the one table (lib/summary.mjs).
 * @param {ReturnType<typeof summariseSeries>} r
 * @returns {import('./lib/summary.mjs').SummaryRow[]}
 */
function rows(r) {
  const one = r.console1Client;
  return [
    {
      figure: 'put → event, 1 client, p50 / p99',
      measured: msPair(one.latencyMs.median, one.latencyMs.p99),
      floor: `the raw KV watch on its own connection ${msPair(r.rawFloor.latencyMs.median, r.rawFloor.latencyMs.p99)}`,
      ratio: ratios(one.ratioP50ToRaw, one.ratioP99ToRaw),
      goal: `≤ ${GOAL_RATIO_1_CLIENT}×`,
      met: one.meetsGoal,
    },
  ];
}

/**
 * The results of a run, from its series.
 * @param {{ runClock: import('./lib/clock.mjs').RunClock, pipeCount: number, valueBytes: number, puts: number, fanoutPuts: number,
 *   clients: number, app: { buildId: string, builtAt: string }, raw: Awaited<ReturnType<typeof rawFloor>>, one: Awaited<ReturnType<typeof oneClient>>,
 *   fan: FanOut, viaRoute: FanOut, serverWarnings: { at: number, text: string }[] }} run
 */
function summariseSeries({ runClock, pipeCount, valueBytes, puts, fanoutPuts, clients, app, raw, one, fan, viaRoute, serverWarnings }) {
  const { durationMs, loadavgAfter } = runClock.end();
  const rawS = summarize(raw.latencies);
  const oneS = summarize(one.latencies);
  const firstS = summarize(fan.perPut.map((p) => p.first));
  const medianS = summarize(fan.perPut.map((p) => p.median));
  const lastS = summarize(fan.perPut.map((p) => p.last));
  const handlerS = summarize(fan.perPut.map((p) => p.clientHandlerMs));
  const c = fan.client;
  /** @param {typeof fan} series */
  const everyPutEverywhere = (series) =>
    series.missing.length === 0 &&
    series.client.incomplete.length === 0 &&
    series.client.putsPerClient.min === series.client.putsPerClient.max &&
    series.client.putsPerClient.min === fanoutPuts + WARMUP_PUTS &&
    series.client.orderErrors === 0 &&
    series.client.lateSnapshots === 0 &&
    series.client.closedEarly === 0 &&
    series.client.payloadMismatch === 0;
  const routeLastS = summarize(viaRoute.perPut.map((p) => p.last));
  const routeMedianS = summarize(viaRoute.perPut.map((p) => p.median));

  const results = {
    benchmark: 'sse-latency',
    startedAt: runClock.startedAt,
    durationMs,
    machine: machineFacts(runClock, loadavgAfter),
    setup: {
      pipes: pipeCount,
      bucket: BUCKET,
      probeKey: PROBE_KEY,
      probeValueBytes: valueBytes,
      puts,
      fanoutPuts,
      warmupPutsPerSeries: WARMUP_PUTS,
      clients,
      spacing: `next put ≥ ${INTERVAL_MS} ms after the previous one started and ≥ ${GAP_MS} ms after its last receiver got it`,
      clock: 'performance.timeOrigin + performance.now() in both processes; t0 just before kv.put()',
      build: { id: app.buildId, builtAt: app.builtAt },
    },
    rawFloor: { latencyMs: rawS, missing: raw.missing },
    console1Client: {
      latencyMs: oneS,
      missing: one.missing,
      ratioP50ToRaw: oneS.median / rawS.median,
      ratioP99ToRaw: oneS.p99 / rawS.p99,
      meetsGoal: oneS.median <= GOAL_RATIO_1_CLIENT * rawS.median && oneS.p99 <= GOAL_RATIO_1_CLIENT * rawS.p99,
      consoleCpuMsPerPut: one.consoleCpuMsPerPut,
      checks: one.checks,
    },
    consoleFanOut: {
      clients,
      firstClientMs: firstS,
      medianClientMs: medianS,
      lastClientMs: lastS,
      ratioMedianP50ToRaw: medianS.median / rawS.median,
      ratioLastP50ToRaw: lastS.median / rawS.median,
      meetsGoal: lastS.p99 <= GOAL_LAST_CLIENT_P99_MS,
      everyClientGotEveryPut: everyPutEverywhere(fan),
      deliveries: {
        expected: clients * (fanoutPuts + WARMUP_PUTS),
        perClient: c.putsPerClient,
        incomplete: c.incomplete,
        missing: fan.missing,
      },
      checks: {
        orderErrors: c.orderErrors,
        lateSnapshots: c.lateSnapshots,
        otherEvents: c.otherEvents,
        closedEarly: c.closedEarly,
        payloadMismatch: c.payloadMismatch,
      },
      open: fan.open,
      console: { ...fan.consoleWithClients, cpuMsPerPut: fan.consoleCpuMsPerPut },
      clientProcess: {
        handlerMsPerPut: handlerS,
        cpuMs: c.cpuMs,
        cpuMsPerPut: (c.cpuMs.user + c.cpuMs.system) / (fanoutPuts + WARMUP_PUTS),
        eventLoopDelayMs: c.eventLoopDelayMs,
      },
      clock: fan.clock,
      perPut: fan.perPut,
    },
    routeHandlerFanOut: {
      server: 'next start (app/api/events/route.ts)',
      clients,
      medianClientMs: routeMedianS,
      lastClientMs: routeLastS,
      everyClientGotEveryPut: everyPutEverywhere(viaRoute),
      console: { ...viaRoute.consoleWithClients, cpuMsPerPut: viaRoute.consoleCpuMsPerPut },
    },
    goals: { console1ClientMaxRatio: GOAL_RATIO_1_CLIENT, lastClientP99MaxMs: GOAL_LAST_CLIENT_P99_MS },
    serverWarnings,
  };
  for (const s of [results.rawFloor.latencyMs, results.console1Client.latencyMs]) delete s.runs;
  for (const s of [firstS, medianS, lastS, handlerS, routeMedianS, routeLastS]) delete s.runs;
  return results;
}

/** @typedef {Awaited<ReturnType<typeof fanOut>>} FanOut */

/** @param {number | undefined} v */
const f = (v) => (v === undefined || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));
/** @param {number} v */
const x = (v) => `${v.toFixed(1)}×`;
/** @param {number} v */
const x2 = (v) => `${v.toFixed(2)}×`;

/** @param {ReturnType<typeof summariseSeries>} r */
function report(r) {
  const raw = r.rawFloor.latencyMs;
  const fan = r.consoleFanOut;
  /** @param {string} label  @param {ReturnType<typeof summarize>} s */
  const row = (label, s) => [label, s.n, f(s.median), f(s.p99), f(s.max), f(s.min), x(s.median / raw.median), x(s.p99 / raw.p99)];
  const table = formatTable(
    ['put → event received (ms)', 'N', 'p50', 'p99', 'max', 'min', 'p50 ÷ raw', 'p99 ÷ raw'],
    [
      row('raw nats.js KV watch (floor)', raw),
      row('console, 1 SSE client', r.console1Client.latencyMs),
      row(`console, ${fan.clients} clients: first client`, fan.firstClientMs),
      row(`console, ${fan.clients} clients: median client`, fan.medianClientMs),
      row(`console, ${fan.clients} clients: last client`, fan.lastClientMs),
      row(`route handler (next start): median client`, r.routeHandlerFanOut.medianClientMs),
      row(`route handler (next start): last client`, r.routeHandlerFanOut.lastClientMs),
    ],
  );
  const c = fan.checks;
  const d = fan.deliveries;
  const delivered = fan.everyClientGotEveryPut
    ? `every one of the ${fan.clients} clients received every one of the ${r.setup.fanoutPuts + r.setup.warmupPutsPerSeries} puts (incl. warm-up; ${d.expected} deliveries), in revision order, no duplicates, no extra snapshot`
    : `NOT every client got every put: per client ${d.perClient.min}–${d.perClient.max} of ${r.setup.fanoutPuts + r.setup.warmupPutsPerSeries}, ` +
      `${d.incomplete.length} revision(s) incomplete, ${d.missing.length} never complete, order errors ${c.orderErrors}, late snapshots ${c.lateSnapshots}, closed early ${c.closedEarly}`;
  const ok = (/** @type {boolean} */ b) => (b ? 'met' : 'MISSED');
  return [
    `SSE latency — ${r.setup.pipes} pipes in the bucket, probe value ${r.setup.probeValueBytes} B, spacing: ${r.setup.spacing}`,
    '',
    table,
    '',
    `goal console 1 client p50 and p99 ≤ ${r.goals.console1ClientMaxRatio}× raw: ${ok(r.console1Client.meetsGoal)} (${x2(r.console1Client.ratioP50ToRaw)} / ${x2(r.console1Client.ratioP99ToRaw)})`,
    `goal last of ${fan.clients} clients p99 ≤ ${r.goals.lastClientP99MaxMs} ms: ${ok(fan.meetsGoal)} (${f(fan.lastClientMs.p99)} ms)`,
    `delivery: ${delivered}`,
    '',
    `opening ${fan.clients} streams: ${Math.round(fan.open.openMs)} ms to all 200s, ${Math.round(fan.open.allSnapshotsMs)} ms to all snapshots; console CPU ${Math.round(fan.open.consoleCpuMs)} ms`,
    `console CPU per put: ${f(r.console1Client.consoleCpuMsPerPut)} ms with 1 client, ${f(fan.console.cpuMsPerPut)} ms with ${fan.clients} (/proc, 10 ms ticks, averaged); ` +
      `${f(r.routeHandlerFanOut.console.cpuMsPerPut)} ms with ${fan.clients} under next start (route handler${r.routeHandlerFanOut.everyClientGotEveryPut ? ', every client got every put' : ', NOT every client got every put'})`,
    `console with ${fan.clients} clients: RSS ${(fan.console.rssKiB / 1024).toFixed(1)} MiB, ${fan.console.sockets} open sockets`,
    `client process (${fan.clients} clients): CPU ${f(fan.clientProcess.cpuMsPerPut)} ms per put, of it decode+parse p50 ${f(fan.clientProcess.handlerMsPerPut.median)} ms, max ${f(fan.clientProcess.handlerMsPerPut.max)} ms; ` +
      `event-loop delay p99 ${f(fan.clientProcess.eventLoopDelayMs.p99)} ms; clock offset between processes ${f(fan.clock.offsetMs)} ms (IPC rtt ${f(fan.clock.rttMs)} ms)`,
    `machine: ${r.machine.cpus} CPUs, load average ${r.machine.loadavgBefore.join(' ')} at start, ${r.machine.loadavgAfter.join(' ')} at end; run took ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.serverWarnings.length ? [`console logged ${r.serverWarnings.length} warning/error line(s); see serverWarnings in the JSON`] : []),
  ].join('\n');
}
