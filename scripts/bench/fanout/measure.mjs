// The fanout benchmark's measurement against one server (the floor or the console): `clients`
// SSE streams held in two client processes (lib/sse-fanout-process.mjs, half each, so that
// parsing 10,000 streams does not sit on one event loop), the server's RSS before and after
// opening them, then a series of puts spaced as sse-latency spaces them, each timed from just
// before kv.put() to the moment the last of all clients had its `put` event (one wall clock,
// now(), in every process).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild } from '../../lib/run.mjs';
import { onCleanup } from '../lib/cleanup.mjs';
import { now } from '../lib/clock.mjs';
import { raisedFdLimitFork } from '../lib/fd-limit.mjs';
import { cpuMsOf, fdLimitOf, memoryOf, socketCountOf } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';
import { Arrivals, putSeries, WARMUP_PUTS } from '../sse-latency.mjs';

/** Streams each client process opens at a time. */
const OPEN_CONCURRENCY = 50;
/** Files a process holds besides its client sockets (modules, NATS, pipes), with room to spare. */
const FD_MARGIN = 200;
const READY_TIMEOUT_MS = 600_000;

/** @typedef {{ url: string, pid: number, token?: string }} Subject the server under test */
/** @typedef {Awaited<ReturnType<typeof measureFanOut>>} FanOutSeries */

/**
 * A forked helper process (with the open-file limit raised, see lib/fd-limit.mjs) with waits for
 * its messages; a `fatal` message or an early exit fails every wait and calls `onFailure`.
 * @param {string} name for errors
 * @param {string} script
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
export function forkHelper(name, script, args, env = {}) {
  const child = fork(script, args, {
    ...raisedFdLimitFork(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const unregister = onCleanup(() => stopChild(child, exited));
  /** @type {Map<string, (m: any) => void>} */
  const handlers = new Map();
  /** @type {Map<string, { resolve: (m: any) => void, reject: (err: Error) => void }[]>} */
  const waiters = new Map();
  /** @type {((err: Error) => void)[]} */
  const onFailure = [];
  /** @type {Error | undefined} */
  let failure;
  let stopping = false;
  const fail = (/** @type {Error} */ err) => {
    if (failure) return;
    failure = err;
    for (const list of waiters.values()) for (const w of list.splice(0)) w.reject(err);
    for (const fn of onFailure) fn(err);
  };
  child.on('message', (/** @type {any} */ m) => {
    if (m?.type === 'fatal') return fail(new Error(`${name}: ${m.message}`));
    handlers.get(m?.type)?.(m);
    waiters.get(m?.type)?.shift()?.resolve(m);
  });
  child.once('exit', (code, signal) => {
    if (!stopping) fail(new Error(`${name} exited (code ${code}, signal ${signal}) before it was done`));
  });
  return {
    pid: /** @type {number} */ (child.pid),
    /** @param {string} type  @param {(m: any) => void} handler */
    on: (type, handler) => void handlers.set(type, handler),
    /** @param {(err: Error) => void} fn */
    onFailure: (fn) => void onFailure.push(fn),
    /** @param {string} type  @param {number} timeoutMs  @returns {Promise<any>} */
    next: (type, timeoutMs) =>
      failure
        ? Promise.reject(failure)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => fail(new Error(`${name} sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
            const settle = (/** @type {(v: any) => void} */ fn) => (/** @type {any} */ v) => {
              clearTimeout(timer);
              fn(v);
            };
            waiters.set(type, [...(waiters.get(type) ?? []), { resolve: settle(resolve), reject: settle(reject) }]);
          }),
    /** @param {object} m */
    send: (m) => child.send(m),
    /** The helper is done (or about to exit by itself): its exit is no failure. */
    stop: async () => {
      stopping = true;
      await stopChild(child, exited);
      unregister();
    },
  };
}

/**
 * The floor server, in a process of its own; resolves once it has loaded the bucket and listens.
 * @param {string} natsUrl
 * @param {string} bucket
 */
export async function startFloor(natsUrl, bucket) {
  const proc = forkHelper('the plain broadcaster', join(import.meta.dirname, 'plain-broadcaster-process.mjs'), [natsUrl, bucket]);
  const { port } = await proc.next('listening', 60_000);
  return { url: `http://127.0.0.1:${port}`, pid: proc.pid, stop: proc.stop };
}

/**
 * Throws unless the process may open `needed` more files (beyond FD_MARGIN).
 * @param {number} pid  @param {number} needed  @param {string} what
 */
function checkFdLimit(pid, needed, what) {
  const limit = fdLimitOf(pid);
  if (limit < needed + FD_MARGIN) {
    throw new Error(
      `${what} may open ${limit} files, fewer than the ${needed} sockets it must hold + ${FD_MARGIN}; raise its limit (ulimit -n)`,
    );
  }
  return limit;
}

/**
 * @param {{ subject: Subject, clients: number, kv: import('@nats-io/kv').KV, nextValue: () => string, puts: number,
 *   log: (line: string) => void, label: string }} options
 */
export async function measureFanOut({ subject, clients, kv, nextValue, puts, log, label }) {
  const halves = [Math.ceil(clients / 2), Math.floor(clients / 2)];
  // The client processes inherit this process's limit at least.
  const fdLimits = {
    server: checkFdLimit(subject.pid, clients, label),
    clientProcess: checkFdLimit(process.pid, halves[0], 'a client process'),
  };
  const socketsBefore = socketCountOf(subject.pid);
  const rssBeforeKiB = memoryOf(subject.pid).rssKiB;
  const script = join(import.meta.dirname, '../lib/sse-fanout-process.mjs');
  const procs = halves.map((n, i) =>
    forkHelper(`client process ${i + 1}`, script, [`${subject.url}/api/events`, String(n), String(OPEN_CONCURRENCY)], {
      ...(subject.token ? { BENCH_SSE_TOKEN: subject.token } : {}),
    }),
  );
  try {
    const arrivals = new Arrivals();
    // A revision counts once both processes report it at every one of their clients.
    /** @type {Map<number, number[]>} revision → the times of the process that reported first */
    const firstHalf = new Map();
    for (const proc of procs) {
      proc.on('put', ({ revision, times }) => {
        const other = firstHalf.get(revision);
        if (!other) return void firstHalf.set(revision, times);
        firstHalf.delete(revision);
        arrivals.record(revision, [...other, ...times]);
      });
      proc.onFailure((err) => arrivals.fail(err));
    }
    log(`${label}: opening ${clients} SSE streams in two client processes (${OPEN_CONCURRENCY} at a time each)`);
    const openStart = now();
    const ready = await Promise.all(procs.map((p) => p.next('ready', READY_TIMEOUT_MS)));
    const openMs = now() - openStart;
    const rssOpenKiB = memoryOf(subject.pid).rssKiB;
    const sockets = socketCountOf(subject.pid) - socketsBefore;
    log(`${label}: ${clients} streams have their snapshot after ${Math.round(openMs)} ms; ${sockets} more sockets on the server`);

    const cpuBefore = cpuMsOf(subject.pid);
    const series = await putSeries({
      kv,
      nextValue,
      count: puts,
      warmup: WARMUP_PUTS,
      arrivals,
      log,
      label: `${label}, ${clients} clients`,
    });
    const cpuMs = cpuMsOf(subject.pid) - cpuBefore;
    const rssAfterPutsKiB = memoryOf(subject.pid).rssKiB;
    const expectedPuts = puts + WARMUP_PUTS;
    const summaries = await Promise.all(
      procs.map((p) => {
        const summary = p.next('summary', 30_000);
        p.send({ type: 'finish', expectedPuts });
        return summary;
      }),
    );

    const perPut = series.samples.map(({ t0, value }) => {
      const times = /** @type {number[]} */ (value).map((t) => t - t0);
      return { last: Math.max(...times), median: summarize(times).median };
    });
    const sum = (/** @type {string} */ field) => summaries.reduce((total, s) => total + s[field], 0);
    const delivery = {
      expectedPerClient: expectedPuts,
      clientsShort: sum('clientsShort'),
      missedDeliveries: sum('missedDeliveries'),
      clientsOutOfOrder: sum('clientsOutOfOrder'),
      lateSnapshots: sum('lateSnapshots'),
      closedEarly: sum('closedEarly'),
      payloadMismatch: sum('payloadMismatch'),
      revisionsNeverComplete: series.missing.length,
    };
    const { expectedPerClient: _expected, ...faults } = delivery;
    return {
      clients,
      openMs,
      perProcess: ready.map((r, i) => ({ clients: halves[i], openMs: r.openMs, allSnapshotsMs: r.allSnapshotsMs })),
      serverSockets: sockets,
      fdLimits,
      rssBeforeKiB,
      rssOpenKiB,
      rssAfterPutsKiB,
      rssPerConnectionKiB: (rssOpenKiB - rssBeforeKiB) / clients,
      serverCpuMsPerPut: cpuMs / expectedPuts,
      lastClientMs: withoutRuns(summarize(perPut.map((p) => p.last))),
      medianClientMs: withoutRuns(summarize(perPut.map((p) => p.median))),
      delivery,
      everyClientGotEveryChange: Object.values(faults).every((n) => n === 0),
      putDataBytes: summaries[0].putDataBytes,
      clientProcesses: summaries.map(({ cpuMs: cpu, eventLoopDelayMs }) => ({ cpuMs: cpu, eventLoopDelayMs })),
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    // The next series' "before" is taken once the server has let these connections go.
    for (let i = 0; i < 100 && socketCountOf(subject.pid) > socketsBefore; i++) await sleep(100);
  }
}

/** @param {ReturnType<typeof summarize>} s */
const withoutRuns = ({ runs: _runs, ...s }) => s;
