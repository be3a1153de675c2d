// A burst of edits as a browser with the pipe list open feels it: how long from the first put of
// a burst until the whole burst shows on the list, and how long the tab's main thread is blocked
// meanwhile, next to the floor set by NATS itself. One nats-server, one console (server.mjs,
// production build, 127.0.0.1) and one headless Chromium for the whole run:
//   1. raw floor: a plain nats.js KV watch (updates only, its own connection, console not
//      running) — first put → the burst's last entry received;
//   2. two tabs of the list page `/` in one signed-in browser context, each in a window of its
//      own (both on screen): the leader holds the EventSource, the follower gets the events over
//      the BroadcastChannel (tab-share.ts) —
//      first put → the marker row shows the burst's text (in the DOM, and the frame after);
//      the raw watch runs beside them again, as a check on what the load did to NATS itself.
// A burst is `puts - 1` puts to existing keys spread over the bucket (`IN_FLIGHT` at a time,
// as fast as the client allows), then, once all are acknowledged, one put to a marker pipe whose
// key sorts first (its row is on screen). Events are applied in revision order, so the marker
// showing burst N's text means the whole burst has been applied. Times use one wall clock in
// every process (performance.timeOrigin + performance.now()); each tab records its own in-page
// (MutationObserver), so Playwright's polling is not part of any figure.
import { availableParallelism, loadavg } from 'node:os';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { chromium, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../lib/chromium.mjs';
import { ScriptError } from '../lib/cli.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { onCleanup } from './lib/cleanup.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { cpuMsOf } from './lib/proc.mjs';
import { now } from './lib/sse-stream.mjs';
import { rounded, summarize } from './lib/stats.mjs';
import { formatTable } from './lib/table.mjs';

const BUCKET = 'WAVEHOUSE_PIPES';
const HISTORY = 3;
// Sorts before every generated key (domain_view_nnnnn), so its row is the list's first.
const MARKER_KEY = 'aaa_burst_marker';
const IN_FLIGHT = 50;
const WARMUP_BURSTS = 1;
const BURST_TIMEOUT_MS = 60_000;
// After a burst, until the next: row marks expire 5 s after their change arrived
// (components/pipes/list/row-marks.ts), so each burst starts on a quiet list; the long tasks of
// this tail are reported apart.
const TAIL_MS = 6_000;
const RAW_PAUSE_MS = 500;

const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink.animations',
  'v8.execute',
  'disabled-by-default-v8.gc',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const loads = () => loadavg().map((v) => Math.round(v * 100) / 100);

/**
 * Runs in every tab before the app (context.addInitScript), so it must be self-contained: long
 * tasks and long animation frames (buffered, with their timestamps on the shared wall clock),
 * the EventSources the tab opened (which tab leads), and the marker watch.
 */
function pageProbe() {
  const wall = (t) => performance.timeOrigin + t;
  const probe = { longTasks: [], frames: [], sources: [], watch: undefined };
  window.__listBurst = probe;
  const observe = (type, record) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(record)).observe({ type, buffered: true });
    } catch {
      // entry type not supported: the figures stay empty
    }
  };
  observe('longtask', (e) => probe.longTasks.push({ start: wall(e.startTime), duration: e.duration }));
  // Long animation frames say which callbacks the time went to (long tasks do not).
  observe('long-animation-frame', (e) =>
    probe.frames.push({
      start: wall(e.startTime),
      duration: e.duration,
      blockingDuration: e.blockingDuration,
      renderMs: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
      scripts: e.scripts.map((s) => ({
        invoker: s.invoker,
        invokerType: s.invokerType,
        duration: s.duration,
        forcedStyleAndLayoutMs: s.forcedStyleAndLayoutDuration,
      })),
    }),
  );
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(...args) {
      super(...args);
      probe.sources.push(this);
    }
  };
  probe.openSources = () => probe.sources.filter((s) => s.readyState !== NativeEventSource.CLOSED).length;

  // The marker's description cell reads `text`: in the DOM now (the end of React's commit, as
  // MutationObserver callbacks run right after it), on screen after the next frame.
  const check = () => {
    const w = probe.watch;
    if (!w || w.visibleAt !== undefined) return;
    const row = document.querySelector(`tr[data-key="${w.key}"]`);
    if (row?.cells[1]?.textContent !== w.text) return;
    w.visibleAt = performance.timeOrigin + performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        w.frameAt = performance.timeOrigin + performance.now();
        w.done();
      };
      channel.port2.postMessage(null);
    });
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  probe.arm = (key, text, timeoutMs) => {
    const w = { key, text, visibleAt: undefined, frameAt: undefined, done: () => {} };
    w.settled = new Promise((resolve) => {
      w.done = resolve;
      setTimeout(resolve, timeoutMs);
    });
    probe.watch = w;
    check();
  };
  probe.wait = async () => {
    const w = probe.watch;
    await w.settled;
    return { visibleAt: w.visibleAt, frameAt: w.frameAt };
  };
}

/**
 * A plain KV watcher on its own connection: when each revision arrived.
 * @param {string} servers
 */
async function openRawWatcher(servers) {
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
    /** Resolves when `revision` has arrived, or after `timeoutMs`. */
    async waitFor(revision, timeoutMs = BURST_TIMEOUT_MS) {
      if (arrivals.some((a) => a.revision >= revision)) return;
      let timer;
      await new Promise((resolve) => {
        waiter = { revision, resolve };
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      waiter = undefined;
    },
    /** Entries of revisions first…last: how many, and when the last of them arrived; forgets them. */
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

/**
 * The writes of burst `n` of a series: `puts - 1` description changes to keys spread over the
 * bucket (a different set each burst), then the marker. Values are made before the clock starts.
 * @param {{ key: string, pipe: any }[]} pipes
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

/** Series 1: raw watcher only, the console not running. */
async function rawFloor({ servers, kv, pipes, puts, runs, log }) {
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

/** The same clock in the bench process and in a tab? A few round trips, the tightest one wins. */
async function clockOffset(page) {
  let best = { rttMs: Infinity, offsetMs: NaN };
  for (let i = 0; i < 7; i++) {
    const sent = now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = now();
    if (back - sent < best.rttMs) best = { rttMs: back - sent, offsetMs: there - (sent + back) / 2 };
  }
  return best;
}

/**
 * A page of `context` in a window of its own. Playwright's newPage() opens a tab in the first
 * page's window: headless Chromium then draws only the front tab, and a tab behind it that
 * changes its DOM gets a frame about once a second (its visibilityState still says visible).
 * Two windows side by side are what two visible tabs are.
 * @param {import('@playwright/test').BrowserContext} context
 * @param {import('@playwright/test').CDPSession} browserCdp
 * @param {import('@playwright/test').CDPSession} firstPageCdp a CDP session of a page of `context`
 */
async function openInNewWindow(context, browserCdp, firstPageCdp) {
  const { targetInfo } = await firstPageCdp.send('Target.getTargetInfo');
  const opened = context.waitForEvent('page');
  await browserCdp.send('Target.createTarget', { url: 'about:blank', browserContextId: targetInfo.browserContextId, newWindow: true });
  return opened;
}

/** JS heap of a tab's renderer after a forced GC, from CDP (MiB). */
async function heapMiB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
  return { usedMiB: usedSize / 2 ** 20, totalMiB: totalSize / 2 ** 20 };
}

/** CPU time of each renderer process, from the browser (ms), by process id. */
async function rendererCpuMs(browserCdp) {
  const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
  return new Map(processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime * 1000]));
}

/** Long tasks that started in [from, to), and the scripts of long animation frames that did. */
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

/** Script time in long animation frames by what invoked it, summed over bursts, largest first. */
function attribution(frames) {
  const by = new Map();
  let frameMs = 0;
  let renderMs = 0;
  for (const f of frames) {
    frameMs += f.duration;
    renderMs += f.renderMs;
    for (const s of f.scripts) {
      const name = `${s.invokerType}: ${s.invoker}`;
      const a = by.get(name) ?? { invoker: name, ms: 0, count: 0, maxMs: 0, forcedStyleAndLayoutMs: 0 };
      a.ms += s.duration;
      a.count++;
      a.maxMs = Math.max(a.maxMs, s.duration);
      a.forcedStyleAndLayoutMs += s.forcedStyleAndLayoutMs;
      by.set(name, a);
    }
  }
  return { frames: frames.length, frameMs, renderMs, scripts: [...by.values()].sort((a, b) => b.ms - a.ms) };
}

/**
 * @param {{ pipes: number, puts: number, runs: number, log: (line: string) => void }} options
 *   pipes: in the bucket; puts: per burst, the marker included; runs: bursts counted (after
 *   WARMUP_BURSTS not counted)
 */
export async function listBurst({ pipes: pipeCount, puts, runs, log }) {
  if (puts < 2 || puts - 1 > pipeCount) throw new ScriptError(`--puts must be 2…${pipeCount + 1} (distinct keys plus the marker), got ${puts}`);
  const startedAt = new Date().toISOString();
  const wallStart = now();
  const loadBefore = loads();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  /** @type {Awaited<ReturnType<typeof spawnConsole>> | undefined} */
  let server;
  /** @type {import('@playwright/test').Browser | undefined} */
  let browser;
  /** @type {Awaited<ReturnType<typeof openRawWatcher>> | undefined} */
  let watcher;
  const closeBrowser = onCleanup(() => browser?.close());
  try {
    const kv = await new Kvm(writer).create(BUCKET, { history: HISTORY });
    const generated = makePipes(pipeCount);
    await putAll(kv, generated);
    await kv.put(MARKER_KEY, JSON.stringify({ name: MARKER_KEY, sql: 'SELECT 1', description: 'list-burst marker: not written yet' }));
    const pipes = generated.map(({ key, value }) => ({ key, pipe: JSON.parse(value) }));

    log(`raw floor: plain KV watch, ${WARMUP_BURSTS} warm-up + ${runs} bursts of ${puts} puts`);
    const raw = await rawFloor({ servers: nats.url, kv, pipes, puts, runs, log });

    log('starting the console (server.mjs)');
    server = await spawnConsole(nats.url, { appDir: app.dir, env: { PIPES_DATA_DIR: dataDir } });
    await waitForList(server, pipeCount + 1);

    log('opening two tabs of the list in headless Chromium');
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      // Our own cleanup stops the browser; Playwright's handlers would exit before it ran.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const context = await browser.newContext({ ...devices['Desktop Chrome'], baseURL: server.url });
    const signIn = await context.request.post('/api/session', { data: { token: server.adminToken } });
    if (!signIn.ok()) throw new Error(`sign-in with the admin token failed: ${signIn.status()} ${await signIn.text()}`);
    await context.addInitScript(pageProbe);
    const browserCdp = await browser.newBrowserCDPSession();
    const tabs = [];
    for (const role of ['leader', 'follower']) {
      const page = tabs.length === 0 ? await context.newPage() : await openInNewWindow(context, browserCdp, tabs[0].cdp);
      await page.goto('/');
      await page.locator('[role=status][data-connection="live"]').waitFor({ timeout: 30_000 });
      await page.locator(`tr[data-key="${MARKER_KEY}"] td:nth-child(2)`).waitFor({ timeout: 30_000 });
      tabs.push({ role, page, cdp: await context.newCDPSession(page) });
    }
    const [leader, follower] = tabs;
    const roles = async () => ({
      leaderEventSources: await leader.page.evaluate(() => window.__listBurst.openSources()),
      followerEventSources: await follower.page.evaluate(() => window.__listBurst.openSources()),
      serverStreams: (await (await fetch(`${server?.url}/api/health`, { headers: { authorization: `Bearer ${server?.adminToken}` } })).json()).clients,
    });
    const rolesBefore = await roles();
    if (rolesBefore.leaderEventSources !== 1 || rolesBefore.followerEventSources !== 0) {
      throw new Error(`expected the first tab to hold the one EventSource and the second none: ${JSON.stringify(rolesBefore)}`);
    }
    const setupChecks = {
      rowsRendered: await leader.page.locator('tr[data-key]').count(),
      visibility: await Promise.all(tabs.map((t) => t.page.evaluate(() => document.visibilityState))),
      windowIds: await Promise.all(tabs.map(async (t) => (await t.cdp.send('Browser.getWindowForTarget')).windowId)),
      longAnimationFrameSupported: await leader.page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')),
    };
    const clock = { leader: await clockOffset(leader.page), follower: await clockOffset(follower.page) };
    const heapAfterLoad = { leader: await heapMiB(leader.cdp), follower: await heapMiB(follower.cdp) };
    const renderers = [...(await rendererCpuMs(browserCdp)).keys()].length;

    watcher = await openRawWatcher(nats.url);
    // BENCH_CHROMIUM_TRACE=<file.json>: one more burst, not counted, under a Chromium trace.
    const traceFile = process.env.BENCH_CHROMIUM_TRACE;
    const bursts = [];
    for (let n = 0; n < WARMUP_BURSTS + runs + (traceFile ? 1 : 0); n++) {
      const traced = n === WARMUP_BURSTS + runs;
      const label = n < WARMUP_BURSTS ? `warm-up burst ${n + 1}` : traced ? 'traced burst' : `burst ${n + 1 - WARMUP_BURSTS}/${runs}`;
      const b = burstWrites(pipes, n, puts, runs, 'browser');
      const text = markerText(n, runs, 'browser');
      await Promise.all(tabs.map((t) => t.page.evaluate(([key, text, ms]) => window.__listBurst.arm(key, text, ms), [MARKER_KEY, text, BURST_TIMEOUT_MS])));
      // The DevTools timeline without the sampling profiler, which would slow the tabs down.
      if (traced) await browser.startTracing(undefined, { path: traceFile, categories: TRACE_CATEGORIES });
      const cpuBefore = { console: cpuMsOf(server.pid), renderers: await rendererCpuMs(browserCdp), bench: process.cpuUsage() };
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
      const cpuBurst = { console: cpuMsOf(server.pid), renderers: await rendererCpuMs(browserCdp), bench: process.cpuUsage(cpuBefore.bench) };
      const lastSeen = Math.max(...seen.map((s) => s.frameAt ?? now()));
      await sleep(lastSeen + TAIL_MS - now());
      const cpuTail = { console: cpuMsOf(server.pid), renderers: await rendererCpuMs(browserCdp) };
      const sumRenderers = (a, b) => [...b.entries()].reduce((sum, [id, ms]) => sum + ms - (a.get(id) ?? 0), 0);
      const end = now();
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
        ...perTab,
        cpuMs: {
          consoleDuringBurst: cpuBurst.console - cpuBefore.console,
          renderersDuringBurst: sumRenderers(cpuBefore.renderers, cpuBurst.renderers),
          // The writer, the raw watch and Playwright's end of the browser connection.
          benchDuringBurst: (cpuBurst.bench.user + cpuBurst.bench.system) / 1000,
          consoleTail: cpuTail.console - cpuBurst.console,
          renderersTail: sumRenderers(cpuBurst.renderers, cpuTail.renderers),
        },
      };
      bursts.push(burst);
      const ms = (v) => (v === undefined ? 'NOT SEEN' : `${Math.round(v)} ms`);
      log(
        `${label}: written in ${ms(put.writtenMs)}; raw ${ms(burst.rawBeside.wholeBurstMs)}, leader ${ms(perTab.leader.inDomMs)}, follower ${ms(perTab.follower.inDomMs)}; ` +
          `long tasks leader ${perTab.leader.duringBurst.count} (max ${ms(perTab.leader.duringBurst.maxMs)}), follower ${perTab.follower.duringBurst.count} (max ${ms(perTab.follower.duringBurst.maxMs)})`,
      );
    }
    const rolesAfter = await roles();
    const heapAfterBursts = { leader: await heapMiB(leader.cdp), follower: await heapMiB(follower.cdp) };
    const browserVersion = browser.version();
    await watcher.close();
    watcher = undefined;
    await browser.close();
    browser = undefined;
    const serverWarnings = server.linesMatching(/ (warn|error) /i);

    const counted = bursts.filter((b) => !b.warmUp && !b.traced);
    const rawCounted = raw.filter((b) => !b.warmUp);
    const pick = (list, fn) => {
      const values = list.map(fn);
      return values.some((v) => v === undefined) ? undefined : summarize(values);
    };
    const missed = (role) => counted.filter((b) => b[role].inDomMs === undefined).map((b) => b.n);
    const tab = (role) => ({
      firstPutToInDomMs: pick(counted, (b) => b[role].inDomMs),
      markerAckedToInDomMs: pick(counted, (b) => b[role].afterAckMs),
      firstPutToNextFrameMs: pick(counted, (b) => b[role].nextFrameMs),
      burstsNotSeenWithin: { timeoutMs: BURST_TIMEOUT_MS, bursts: missed(role) },
      longTasksDuringBurst: {
        window: 'long tasks that started between the first put and the marker in the DOM',
        maxMs: pick(counted, (b) => b[role].duringBurst.maxMs),
        sumMs: pick(counted, (b) => b[role].duringBurst.sumMs),
        count: pick(counted, (b) => b[role].duringBurst.count),
      },
      longTasksAfterBurst: {
        window: `long tasks that started from the marker in the DOM until ${TAIL_MS} ms after the last tab showed it (row marks expire within it)`,
        maxMs: pick(counted, (b) => b[role].afterBurst.maxMs),
        sumMs: pick(counted, (b) => b[role].afterBurst.sumMs),
        count: pick(counted, (b) => b[role].afterBurst.count),
      },
      // Over the counted bursts together, burst window only.
      attribution: attribution(counted.flatMap((b) => b[role].duringBurst.frames)),
      attributionAfterBurst: attribution(counted.flatMap((b) => b[role].afterBurst.frames)),
      heapAfterLoad: heapAfterLoad[role],
      heapAfterBursts: heapAfterBursts[role],
      clock: clock[role],
    });
    const rawS = pick(rawCounted, (b) => b.wholeBurstMs);
    const results = {
      benchmark: 'list-burst',
      startedAt,
      durationMs: now() - wallStart,
      machine: { node: process.version, cpus: availableParallelism(), chromium: browserVersion, loadavgBefore: loadBefore, loadavgAfter: loads() },
      setup: {
        pipes: pipeCount,
        bucket: BUCKET,
        history: HISTORY,
        puts,
        burst: `${puts - 1} description changes to keys spread over the bucket, ${IN_FLIGHT} in flight, then once all are acknowledged the marker ${MARKER_KEY} (first row)`,
        runs,
        warmUpBursts: WARMUP_BURSTS,
        pauseAfterBurstMs: TAIL_MS,
        browser: `headless Chromium, one context (Desktop Chrome, ${devices['Desktop Chrome'].viewport.width}×${devices['Desktop Chrome'].viewport.height}), two tabs of / in two windows`,
        rolesBefore,
        rolesAfter,
        rendererProcesses: renderers,
        ...setupChecks,
        clock: 'performance.timeOrigin + performance.now() in the bench process and in each tab; t0 just before the first kv.put()',
        build: { id: app.buildId, builtAt: app.builtAt },
      },
      rawFloor: {
        note: 'plain nats.js KV watch (updates only, own connection), console and browser not running',
        firstPutToLastEntryMs: rawS,
        markerAckedToLastEntryMs: pick(rawCounted, (b) => b.afterAckMs),
        writtenMs: pick(rawCounted, (b) => b.writtenMs),
        allReceived: rawCounted.every((b) => b.received === puts),
      },
      rawBesideBrowser: {
        note: 'the same watch during the browser bursts: what the console and the tabs working cost NATS and this process',
        firstPutToLastEntryMs: pick(counted, (b) => b.rawBeside.wholeBurstMs),
        markerAckedToLastEntryMs: pick(counted, (b) => b.rawBeside.afterAckMs),
        allReceived: counted.every((b) => b.rawBeside.received === puts),
      },
      writer: { firstPutToMarkerAckedMs: pick(counted, (b) => b.writtenMs) },
      leader: tab('leader'),
      follower: tab('follower'),
      cpuMsPerBurst: {
        note: '/proc (console, 10 ms ticks) and CDP SystemInfo (all renderer processes together)',
        consoleDuringBurst: pick(counted, (b) => b.cpuMs.consoleDuringBurst),
        renderersDuringBurst: pick(counted, (b) => b.cpuMs.renderersDuringBurst),
        benchProcessDuringBurst: pick(counted, (b) => b.cpuMs.benchDuringBurst),
        consoleTail: pick(counted, (b) => b.cpuMs.consoleTail),
        renderersTail: pick(counted, (b) => b.cpuMs.renderersTail),
      },
      warmUp: { raw: raw.filter((b) => b.warmUp), browser: bursts.filter((b) => b.warmUp).map(stripFrames) },
      ...(traceFile ? { tracedBurst: { trace: traceFile, ...stripFrames(bursts.at(-1)) } } : {}),
      bursts: counted.map(stripFrames),
      rawBursts: rawCounted,
      serverWarnings,
    };
    return { name: 'list-burst', results: rounded(results, 1), report: report(results) };
  } finally {
    await watcher?.close();
    await browser?.close();
    closeBrowser();
    await server?.stop();
    await env.close();
  }
}

/** A burst for the JSON: the long-animation-frame detail is summed up in `attribution`. */
function stripFrames(b) {
  const tab = (t) => ({
    ...t,
    duringBurst: { count: t.duringBurst.count, maxMs: t.duringBurst.maxMs, sumMs: t.duringBurst.sumMs },
    afterBurst: { count: t.afterBurst.count, maxMs: t.afterBurst.maxMs, sumMs: t.afterBurst.sumMs },
  });
  return { ...b, leader: tab(b.leader), follower: tab(b.follower) };
}

const f = (v) => (v === undefined || Number.isNaN(v) ? '–' : v < 10 && !Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v)));
const x = (v) => (v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(1)}×`);

function report(r) {
  const raw = r.rawFloor.firstPutToLastEntryMs;
  const none = ['–', '–', '–'];
  const tasks = (t) => [f(t.maxMs?.median), f(t.sumMs?.median), f(t.count?.median)];
  const row = (label, s, ack, long = none) => [label, f(s?.median), f(s?.max), x(s && raw ? s.median / raw.median : undefined), f(ack?.median), ...long];
  const table = formatTable(
    [`first put → whole burst (ms), N=${r.setup.runs}`, 'median', 'max', '÷ raw', 'after ack', 'long task max', 'sum', 'count'],
    [
      row('raw KV watch (floor; console not running)', raw, r.rawFloor.markerAckedToLastEntryMs),
      row('raw KV watch, beside console + browser', r.rawBesideBrowser.firstPutToLastEntryMs, r.rawBesideBrowser.markerAckedToLastEntryMs),
      row('leader tab (EventSource): marker in DOM', r.leader.firstPutToInDomMs, r.leader.markerAckedToInDomMs, tasks(r.leader.longTasksDuringBurst)),
      row('  … and the next frame', r.leader.firstPutToNextFrameMs),
      row('follower tab (BroadcastChannel): in DOM', r.follower.firstPutToInDomMs, r.follower.markerAckedToInDomMs, tasks(r.follower.longTasksDuringBurst)),
      row('  … and the next frame', r.follower.firstPutToNextFrameMs),
    ],
  );
  const after = (t) => `${f(t.longTasksAfterBurst.count?.median)} long tasks, sum ${f(t.longTasksAfterBurst.sumMs?.median)} ms, max ${f(t.longTasksAfterBurst.maxMs?.median)} ms`;
  const attr = (t) => {
    const a = t.attribution;
    if (a.frames === 0) return 'no long animation frame';
    const top = a.scripts.slice(0, 4).map((s) => `${s.invoker} ${f(s.ms)} ms (${s.count}×, max ${f(s.maxMs)})`);
    return `${a.frames} long frames, ${f(a.frameMs)} ms, of it rendering (style, layout, paint) ${f(a.renderMs)} ms; scripts ≥ 5 ms: ${top.join('; ') || 'none'}`;
  };
  const heap = (t) => `${f(t.heapAfterLoad.usedMiB)} → ${f(t.heapAfterBursts.usedMiB)} MiB`;
  const missed = ['leader', 'follower'].filter((role) => r[role].burstsNotSeenWithin.bursts.length);
  const w = r.warmUp.browser[0];
  const c = r.cpuMsPerBurst;
  return [
    `list burst — ${r.setup.pipes} pipes, bursts of ${r.setup.puts} puts (${r.setup.puts - 1} spread keys, ${r.setup.burst.match(/\d+ in flight/)?.[0]}, then the marker row last), ` +
      `N=${r.setup.runs} bursts after ${r.setup.warmUpBursts} warm-up, one Chromium context with 2 tabs of / (a window each)`,
    '',
    table,
    '',
    '÷ raw: median ÷ the floor\'s median. after ack: median time from the marker put\'s acknowledgement (the writer done) to the same point.',
    'long tasks (medians of the bursts\' max, sum, count): those that started between the first put and the marker in that tab\'s DOM; ' +
      `worst burst: leader ${f(r.leader.longTasksDuringBurst.maxMs?.max)} ms, follower ${f(r.follower.longTasksDuringBurst.maxMs?.max)} ms.`,
    `writer: first put → marker acknowledged, median ${f(r.rawFloor.writtenMs.median)} ms alone, ${f(r.writer.firstPutToMarkerAckedMs.median)} ms beside console + browser ` +
      `(same machine, ${r.machine.cpus} CPUs: the burst is spread over that long); every entry reached the raw watch: ${r.rawFloor.allReceived && r.rawBesideBrowser.allReceived ? 'yes' : 'NO'}`,
    ...(missed.length ? [`NOT SEEN within ${BURST_TIMEOUT_MS / 1000} s: ${missed.map((role) => `${role} bursts ${r[role].burstsNotSeenWithin.bursts.join(', ')}`).join('; ')}`] : []),
    `after the burst (until ${r.setup.pauseAfterBurstMs / 1000} s after the marker showed; row marks expire and fade out in it): leader ${after(r.leader)}; follower ${after(r.follower)}`,
    `where the burst's long frames went, leader: ${attr(r.leader)}`,
    `where the burst's long frames went, follower: ${attr(r.follower)}`,
    `CPU per burst (median): console ${f(c.consoleDuringBurst?.median)} ms during + ${f(c.consoleTail?.median)} ms after; ` +
      `Chromium's ${r.setup.rendererProcesses} renderer processes ${f(c.renderersDuringBurst?.median)} ms during + ${f(c.renderersTail?.median)} ms after; ` +
      `bench process (writer, raw watch, Playwright) ${f(c.benchProcessDuringBurst?.median)} ms during`,
    `JS heap after a forced GC, loaded → after the bursts: leader ${heap(r.leader)}, follower ${heap(r.follower)} (CDP Runtime.getHeapUsage)`,
    `warm-up burst (not counted): raw ${f(r.warmUp.raw[0]?.wholeBurstMs)} ms, leader ${f(w?.leader.inDomMs)} ms, follower ${f(w?.follower.inDomMs)} ms`,
    `roles: leader ${r.setup.rolesBefore.leaderEventSources} EventSource, follower ${r.setup.rolesBefore.followerEventSources}, console streams ${r.setup.rolesBefore.serverStreams} ` +
      `(after: ${r.setup.rolesAfter.leaderEventSources}/${r.setup.rolesAfter.followerEventSources}/${r.setup.rolesAfter.serverStreams}); tabs ${r.setup.visibility.join('/')}; ` +
      `clock offset tab − bench: leader ${f(r.leader.clock.offsetMs)} ms, follower ${f(r.follower.clock.offsetMs)} ms (rtt ${f(r.leader.clock.rttMs)} / ${f(r.follower.clock.rttMs)} ms)`,
    `machine: ${r.machine.cpus} CPUs, ${r.machine.chromium ? `Chromium ${r.machine.chromium}, ` : ''}load average ${r.machine.loadavgBefore.join(' ')} at start, ${r.machine.loadavgAfter.join(' ')} at end; run took ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.serverWarnings.length ? [`console logged ${r.serverWarnings.length} warning/error line(s); see serverWarnings in the JSON`] : []),
  ].join('\n');
}
