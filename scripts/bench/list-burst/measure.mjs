// What list-burst measures and how: bursts of puts, a raw KV watch as the floor, and per burst
// in each tab the time to the marker row, the long tasks and frames meanwhile, heap and CPU.
// Times are on one wall clock in every process (now(): performance.timeOrigin + performance.now()).
import { setTimeout as sleep } from 'node:timers/promises';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { cpuMsOf } from '../lib/proc.mjs';
import { now } from '../lib/clock.mjs';
import { BUCKET, BURST_TIMEOUT_MS, IN_FLIGHT, MARKER_KEY, RAW_PAUSE_MS, TAIL_MS, WARMUP_BURSTS } from './setup.mjs';

/** @typedef {import('./page-probe.d.mts').LongFrame} LongFrame */
/** @typedef {{ count: number, maxMs: number, sumMs: number, frames: LongFrame[] }} Blocking long tasks that started in a window */
/** @typedef {{ inDomMs?: number, afterAckMs?: number, nextFrameMs?: number, duringBurst: Blocking, afterBurst: Blocking }} TabBurst */
/** @typedef {{ received: number, wholeBurstMs?: number, afterAckMs?: number }} RawBeside */
/**
 * @typedef {{ n: number, warmUp: boolean, traced: boolean, writtenMs: number, rawBeside: RawBeside, leader: TabBurst, follower: TabBurst,
 *   cpuMs: { consoleDuringBurst: number, renderersDuringBurst: number, benchDuringBurst: number, consoleTail: number, renderersTail: number } }} Burst
 *   one burst in the browser
 */
/** @typedef {{ warmUp: boolean, writtenMs: number, received: number, wholeBurstMs?: number, afterAckMs?: number }} RawBurst one burst of the floor */
/** @typedef {{ usedMiB: number, totalMiB: number }} Heap */

// The DevTools timeline without the sampling profiler, which would slow the tabs down.
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink.animations',
  'v8.execute',
  'disabled-by-default-v8.gc',
];

/**
 * A plain KV watcher on its own connection: when each revision arrived.
 * @param {string} servers
 */
export async function openRawWatcher(servers) {
  const nc = await connect({ servers, name: 'bench-raw-watcher' });
  const kv = await new Kvm(nc).open(BUCKET);
  const iterator = await kv.watch({ key: '>', include: KvWatchInclude.UpdatesOnly });
  /** @type {{ revision: number, at: number }[]} */
  let arrivals = [];
  /** @type {{ revision: number, resolve: () => void } | undefined} */
  let waiter;
  const reading = (async () => {
    for await (const entry of iterator) {
      arrivals.push({ revision: entry.revision, at: now() });
      if (waiter && entry.revision >= waiter.revision) waiter.resolve();
    }
  })();
  return {
    /**
     * Resolves when `revision` has arrived, or after `timeoutMs`.
     * @param {number} revision
     */
    async waitFor(revision, timeoutMs = BURST_TIMEOUT_MS) {
      if (arrivals.some((a) => a.revision >= revision)) return;
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      await new Promise((resolve) => {
        waiter = { revision, resolve: () => resolve(undefined) };
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      waiter = undefined;
    },
    /**
     * Entries of revisions first…last: how many, and when the last of them arrived; forgets them.
     * @param {number} first
     * @param {number} last
     */
    take(first, last) {
      const mine = arrivals.filter((a) => a.revision >= first && a.revision <= last);
      arrivals = arrivals.filter((a) => a.revision > last);
      return { received: mine.length, lastAt: mine.length ? Math.max(...mine.map((a) => a.at)) : undefined };
    },
    async close() {
      iterator.stop();
      await reading;
      await nc.close();
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openRawWatcher>>} RawWatcher */

/**
 * The writes of burst `n` of a series: `puts - 1` description changes to keys spread over the
 * bucket (a different set each burst), then the marker. Values are made before the clock starts.
 * @param {{ key: string, pipe: any }[]} pipes
 * @param {number} n
 * @param {number} puts
 * @param {number} runs
 * @param {'raw' | 'browser'} series
 */
function burstWrites(pipes, n, puts, runs, series) {
  const spread = puts - 1;
  const stride = Math.floor(pipes.length / spread);
  const writes = [];
  for (let i = 0; i < spread; i++) {
    const { key, pipe } = pipes[(i * stride + n) % pipes.length];
    writes.push({ key, value: JSON.stringify({ ...pipe, description: `${pipe.description} (${series} burst ${n})` }) });
  }
  return { writes, marker: JSON.stringify({ name: MARKER_KEY, sql: 'SELECT 1', description: markerText(n, runs, series) }) };
}

/**
 * @param {number} n
 * @param {number} runs
 * @param {'raw' | 'browser'} series
 */
const markerText = (n, runs, series) =>
  `list-burst marker, ${series}: ` +
  (n < WARMUP_BURSTS ? `warm-up burst ${n + 1}` : n < WARMUP_BURSTS + runs ? `burst ${n + 1 - WARMUP_BURSTS} of ${runs}` : 'traced burst');

/**
 * Puts a burst: `IN_FLIGHT` puts at a time, then the marker once every other put is acknowledged.
 * @param {import('@nats-io/kv').KV} kv
 * @param {{ writes: { key: string, value: string }[], marker: string }} burst
 */
async function putBurst(kv, { writes, marker }) {
  const t0 = now();
  /** @type {number[]} */
  const revisions = [];
  let next = 0;
  const worker = async () => {
    while (next < writes.length) {
      const { key, value } = writes[next++];
      revisions.push(await kv.put(key, value));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, writes.length) }, worker));
  const markerRevision = await kv.put(MARKER_KEY, marker);
  const ackedAt = now();
  return { t0, ackedAt, writtenMs: ackedAt - t0, firstRevision: Math.min(markerRevision, ...revisions), markerRevision };
}

/**
 * Series 1: raw watcher only, the console not running.
 * @param {{ servers: string, kv: import('@nats-io/kv').KV, pipes: { key: string, pipe: any }[], puts: number, runs: number, log: (line: string) => void }} options
 * @returns {Promise<RawBurst[]>}
 */
export async function rawFloor({ servers, kv, pipes, puts, runs, log }) {
  const watcher = await openRawWatcher(servers);
  try {
    const bursts = [];
    for (let n = 0; n < WARMUP_BURSTS + runs; n++) {
      const put = await putBurst(kv, burstWrites(pipes, n, puts, runs, 'raw'));
      await watcher.waitFor(put.markerRevision);
      const got = watcher.take(put.firstRevision, put.markerRevision);
      bursts.push({
        warmUp: n < WARMUP_BURSTS,
        writtenMs: put.writtenMs,
        received: got.received,
        wholeBurstMs: got.lastAt === undefined ? undefined : got.lastAt - put.t0,
        afterAckMs: got.lastAt === undefined ? undefined : got.lastAt - put.ackedAt,
      });
      if (got.received !== puts) log(`raw floor, burst ${n}: received ${got.received} of ${puts} entries`);
      await sleep(RAW_PAUSE_MS);
    }
    return bursts;
  } finally {
    await watcher.close();
  }
}

/**
 * JS heap of a tab's renderer after a forced GC, from CDP (MiB).
 * @param {import('@playwright/test').CDPSession} cdp
 * @returns {Promise<Heap>}
 */
export async function heapMiB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
  return { usedMiB: usedSize / 2 ** 20, totalMiB: totalSize / 2 ** 20 };
}

/**
 * CPU time of each renderer process, from the browser (ms), by process id.
 * @param {import('@playwright/test').CDPSession} browserCdp
 */
export async function rendererCpuMs(browserCdp) {
  const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
  return new Map(processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime * 1000]));
}

/**
 * Long tasks that started in [from, to), and the scripts of long animation frames that did.
 * @param {{ longTasks: import('./page-probe.d.mts').LongTask[], frames: LongFrame[] }} probeData
 * @param {number} from
 * @param {number} to
 * @returns {Blocking}
 */
function blocking(probeData, from, to) {
  const tasks = probeData.longTasks.filter((t) => t.start >= from && t.start < to);
  const frames = probeData.frames.filter((f) => f.start >= from && f.start < to);
  const durations = tasks.map((t) => t.duration);
  return {
    count: tasks.length,
    maxMs: durations.length ? Math.max(...durations) : 0,
    sumMs: durations.reduce((a, b) => a + b, 0),
    frames,
  };
}

/**
 * Burst `n` in the browser (the last one traced, when `traceFile` is given): both tabs armed
 * for the marker, the puts, both tabs and the raw watch beside them waited for, then the tail
 * until row marks have expired.
 * @param {{ n: number, runs: number, puts: number, pipes: { key: string, pipe: any }[], kv: import('@nats-io/kv').KV,
 *   tabs: import('./setup.mjs').Tab[], watcher: RawWatcher, browser: import('@playwright/test').Browser,
 *   browserCdp: import('@playwright/test').CDPSession, consolePid: number, traceFile: string | undefined, log: (line: string) => void }} options
 * @returns {Promise<Burst>}
 */
export async function browserBurst({ n, runs, puts, pipes, kv, tabs, watcher, browser, browserCdp, consolePid, traceFile, log }) {
  const traced = n === WARMUP_BURSTS + runs;
  const label = n < WARMUP_BURSTS ? `warm-up burst ${n + 1}` : traced ? 'traced burst' : `burst ${n + 1 - WARMUP_BURSTS}/${runs}`;
  const b = burstWrites(pipes, n, puts, runs, 'browser');
  const text = markerText(n, runs, 'browser');
  await Promise.all(
    tabs.map((t) =>
      t.page.evaluate(
        ([key, text, ms]) => window.__listBurst.arm(key, text, ms),
        /** @type {const} */ ([MARKER_KEY, text, BURST_TIMEOUT_MS]),
      ),
    ),
  );
  if (traced) await browser.startTracing(undefined, { path: traceFile, categories: TRACE_CATEGORIES });
  const cpuBefore = { console: cpuMsOf(consolePid), renderers: await rendererCpuMs(browserCdp), bench: process.cpuUsage() };
  const put = await putBurst(kv, b);
  const [seen] = await Promise.all([
    Promise.all(tabs.map((t) => t.page.evaluate(() => window.__listBurst.wait()))),
    watcher.waitFor(put.markerRevision),
  ]);
  const rawGot = watcher.take(put.firstRevision, put.markerRevision);
  if (traced) {
    await browser.stopTracing();
    log(`Chromium trace written: ${traceFile}`);
  }
  const cpuBurst = { console: cpuMsOf(consolePid), renderers: await rendererCpuMs(browserCdp), bench: process.cpuUsage(cpuBefore.bench) };
  const lastSeen = Math.max(...seen.map((s) => s.frameAt ?? now()));
  await sleep(Math.max(0, lastSeen + TAIL_MS - now()));
  const cpuTail = { console: cpuMsOf(consolePid), renderers: await rendererCpuMs(browserCdp) };
  /** @param {Map<number, number>} a  @param {Map<number, number>} b */
  const sumRenderers = (a, b) => [...b.entries()].reduce((sum, [id, ms]) => sum + ms - (a.get(id) ?? 0), 0);
  const end = now();
  /** @type {Partial<Record<import('./setup.mjs').Tab['role'], TabBurst>>} */
  const perTab = {};
  for (const [i, t] of tabs.entries()) {
    const data = await t.page.evaluate(() => ({ longTasks: window.__listBurst.longTasks, frames: window.__listBurst.frames }));
    const { visibleAt, frameAt } = seen[i];
    const until = visibleAt ?? end;
    perTab[t.role] = {
      inDomMs: visibleAt === undefined ? undefined : visibleAt - put.t0,
      afterAckMs: visibleAt === undefined ? undefined : visibleAt - put.ackedAt,
      nextFrameMs: frameAt === undefined ? undefined : frameAt - put.t0,
      duringBurst: blocking(data, put.t0, until),
      afterBurst: blocking(data, until, end),
    };
  }
  const { leader, follower } = /** @type {Record<import('./setup.mjs').Tab['role'], TabBurst>} */ (perTab);
  const burst = {
    n,
    warmUp: n < WARMUP_BURSTS,
    traced,
    writtenMs: put.writtenMs,
    rawBeside: {
      received: rawGot.received,
      wholeBurstMs: rawGot.lastAt === undefined ? undefined : rawGot.lastAt - put.t0,
      afterAckMs: rawGot.lastAt === undefined ? undefined : rawGot.lastAt - put.ackedAt,
    },
    leader,
    follower,
    cpuMs: {
      consoleDuringBurst: cpuBurst.console - cpuBefore.console,
      renderersDuringBurst: sumRenderers(cpuBefore.renderers, cpuBurst.renderers),
      // The writer, the raw watch and Playwright's end of the browser connection.
      benchDuringBurst: (cpuBurst.bench.user + cpuBurst.bench.system) / 1000,
      consoleTail: cpuTail.console - cpuBurst.console,
      renderersTail: sumRenderers(cpuBurst.renderers, cpuTail.renderers),
    },
  };
  /** @param {number | undefined} v */
  const ms = (v) => (v === undefined ? 'NOT SEEN' : `${Math.round(v)} ms`);
  log(
    `${label}: written in ${ms(put.writtenMs)}; raw ${ms(burst.rawBeside.wholeBurstMs)}, leader ${ms(leader.inDomMs)}, follower ${ms(follower.inDomMs)}; ` +
      `long tasks leader ${leader.duringBurst.count} (max ${ms(leader.duringBurst.maxMs)}), follower ${follower.duringBurst.count} (max ${ms(follower.duringBurst.maxMs)})`,
  );
  return burst;
}
