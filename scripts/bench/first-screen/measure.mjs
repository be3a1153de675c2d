// What first-screen times: one opening of `/` in a fresh signed-in context (no cache, no other
// tab to share a connection with), with the probe (probe.mjs) in the page; the series of them
// on one console; and, beside the page, the console's own side of the snapshot: GET /api/events
// from the bench process until the snapshot event's last byte.
import { get as httpGet } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kvm } from '@nats-io/kv';
import { signedInContext } from '../lib/browser.mjs';
import { now } from '../lib/clock.mjs';
import { makePipes, putAll } from '../lib/pipes.mjs';
import { firstScreenProbe } from './probe.mjs';

export const WARMUP_OPENS = 1;
export const OPEN_TIMEOUT_MS = 60_000;
// After each opening: until the console has closed the page's stream, then this long.
export const QUIET_MS = 300;
export const REFERENCE_OPENS = 3;

/** @typedef {import('./page-probe.d.mts').ProbeMode} ProbeMode */
/** @typedef {{ count: number, sumMs: number, maxMs: number }} Tasks */
/**
 * @typedef {{ mode: ProbeMode, timedOut: boolean, url: string,
 *   firstRowMs?: number, firstRowFrameMs?: number, rowInDomMs?: number, inputMs?: number, searchMs?: number, searchFrameMs?: number, typings: number, valueResets: number, valueResetMs?: number,
 *   loadMs?: number, domContentLoadedMs?: number, documentResponseEndMs?: number, firstContentfulPaintMs?: number,
 *   eventSourceMs?: number, snapshotMs?: number, snapshotHandledMs?: number, snapshotBytes?: number, snapshotPipes?: number,
 *   documentBytes: number, scripts: { count: number, bytes: number, lastEndMs: number }, api: { path: string, bytes: number, endMs: number }[],
 *   longTasksBefore: Tasks, framesBefore: { count: number, ms: number, renderMs: number, scripts: { invoker: string, ms: number }[] } }} Open
 *   one opening of `/`, every time in ms since its navigation started; *Before: long tasks and long animation frames that
 *   started before the mode's figure (the first row, or the search answered)
 */

/**
 * Creates `bucket` with `count` generated pipes (lib/pipes.mjs) and picks the pipe to search
 * for: the last in the list's name order (far below the first screen), whose key no other pipe
 * contains anywhere the search looks.
 * @param {import('@nats-io/transport-node').NatsConnection} writer
 * @param {string} bucket
 * @param {number} count
 */
export async function seedBucket(writer, bucket, count) {
  const kv = await new Kvm(writer).create(bucket);
  const pipes = makePipes(count);
  await putAll(kv, pipes);
  // The list's own order (components/pipes/list/list-query.ts): case-insensitive, runs of digits numeric.
  const sortKey = (/** @type {string} */ key) => key.toLowerCase().replace(/\d+/g, (d) => d.padStart(16, '0'));
  const byName = [...pipes].sort((a, b) => (sortKey(a.key) < sortKey(b.key) ? -1 : sortKey(a.key) > sortKey(b.key) ? 1 : 0));
  const haystacks = pipes.map(({ key, value }) => {
    const v = JSON.parse(value);
    return [key, v.name, v.description, v.sql].join('\n').toLowerCase();
  });
  const searchKey = byName.reverse().find(({ key }) => haystacks.filter((h) => h.includes(key.toLowerCase())).length === 1)?.key;
  if (!searchKey) throw new Error(`no pipe of ${count} has a key that no other pipe contains`);
  return { searchKey, bytes: pipes.reduce((n, p) => n + Buffer.byteLength(p.value), 0) };
}

/**
 * Opens `/` once in a fresh context with the probe in `mode`, waits for the probe, and reads
 * what the page recorded; closes the context, then waits until the console has let go of its
 * stream (and QUIET_MS more).
 * @param {{ browser: import('@playwright/test').Browser, server: { url: string, adminToken: string }, mode: ProbeMode, searchKey: string }} options
 * @returns {Promise<Open>}
 */
export async function openOnce({ browser, server, mode, searchKey }) {
  const context = await signedInContext(browser, server.url, server.adminToken);
  try {
    await context.addInitScript(firstScreenProbe, { mode, searchKey, timeoutMs: OPEN_TIMEOUT_MS });
    const page = await context.newPage();
    await page.goto('/', { waitUntil: 'commit' });
    const got = await page.evaluate(async () => {
      const probe = window.__firstScreen;
      await probe.settled;
      const figure = probe.mode === 'view' ? probe.firstRowAt : probe.searchAt;
      const before = (/** @type {number} */ start) => figure === undefined || start < figure;
      const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
      const resources = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource'));
      const scripts = resources.filter((r) => r.initiatorType === 'script' || new URL(r.name).pathname.endsWith('.js'));
      const tasks = probe.longTasks.filter((t) => before(t.start));
      const frames = probe.frames.filter((f) => before(f.start));
      /** @type {Map<string, number>} */
      const byInvoker = new Map();
      for (const s of frames.flatMap((f) => f.scripts)) byInvoker.set(s.invoker, (byInvoker.get(s.invoker) ?? 0) + s.duration);
      const size = probe.snapshotSize();
      return {
        mode: probe.mode,
        timedOut: probe.timedOut,
        url: location.pathname + location.search,
        firstRowMs: probe.firstRowAt,
        firstRowFrameMs: probe.firstRowFrameAt,
        rowInDomMs: probe.rowInDomAt,
        inputMs: probe.inputAt,
        searchMs: probe.searchAt,
        searchFrameMs: probe.searchFrameAt,
        typings: probe.typings,
        valueResets: probe.valueResets,
        valueResetMs: probe.valueResetAt,
        loadMs: probe.loadAt,
        domContentLoadedMs: nav?.domContentLoadedEventEnd,
        documentResponseEndMs: nav?.responseEnd,
        firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        eventSourceMs: probe.eventSourceAt,
        snapshotMs: probe.snapshotAt,
        snapshotHandledMs: probe.snapshotHandledAt,
        snapshotBytes: size?.bytes,
        snapshotPipes: size?.pipes,
        documentBytes: nav?.transferSize ?? 0,
        scripts: {
          count: scripts.length,
          bytes: scripts.reduce((n, r) => n + r.transferSize, 0),
          lastEndMs: Math.max(0, ...scripts.map((r) => r.responseEnd)),
        },
        // Fetches of the API (an EventSource shows here only once its stream has ended).
        api: resources
          .filter((r) => new URL(r.name).pathname.startsWith('/api/'))
          .map((r) => ({ path: new URL(r.name).pathname, bytes: r.transferSize, endMs: r.responseEnd })),
        longTasksBefore: {
          count: tasks.length,
          sumMs: tasks.reduce((n, t) => n + t.duration, 0),
          maxMs: Math.max(0, ...tasks.map((t) => t.duration)),
        },
        framesBefore: {
          count: frames.length,
          ms: frames.reduce((n, f) => n + f.duration, 0),
          renderMs: frames.reduce((n, f) => n + f.renderMs, 0),
          scripts: [...byInvoker].map(([invoker, ms]) => ({ invoker, ms })).sort((a, b) => b.ms - a.ms),
        },
      };
    });
    if (got.timedOut) {
      const text = (
        await page
          .locator('body')
          .innerText()
          .catch(() => '')
      ).slice(0, 300);
      throw new Error(
        `/ (${mode}) did not get there within ${OPEN_TIMEOUT_MS / 1000} s; the page is at ${got.url}: ${JSON.stringify(text)}`,
      );
    }
    return got;
  } finally {
    await context.close();
    await quiet(server.url);
  }
}

/**
 * Until GET /api/health says no stream is open (the closed tab's is gone), then QUIET_MS.
 * @param {string} url
 */
async function quiet(url, timeoutMs = 5_000) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const health = await (await fetch(`${url}/api/health`)).json();
    if (health.clients === 0) break;
    await sleep(20);
  }
  await sleep(QUIET_MS);
}

/**
 * WARMUP_OPENS + `runs` openings in each mode, view and search in turn (so both see the same
 * conditions), each in a fresh context.
 * @param {{ browser: import('@playwright/test').Browser, server: { url: string, adminToken: string }, searchKey: string, runs: number,
 *   log: (line: string) => void, label: string }} options
 */
export async function openSeries({ browser, server, searchKey, runs, log, label }) {
  /** @type {Record<ProbeMode, Open[]>} */
  const counted = { view: [], search: [] };
  /** @type {Record<ProbeMode, Open[]>} */
  const warmUp = { view: [], search: [] };
  for (let i = -WARMUP_OPENS; i < runs; i++) {
    for (const mode of /** @type {const} */ (['view', 'search'])) {
      const open = await openOnce({ browser, server, mode, searchKey });
      (i < 0 ? warmUp : counted)[mode].push(open);
    }
    if (i >= 0 && (i + 1) % 5 === 0) log(`${label}: ${i + 1} of ${runs} openings of each`);
  }
  return { counted, warmUp };
}

/**
 * The console's side of the snapshot, with no browser: GET /api/events from the bench process
 * (a fresh connection each time, no compression asked for), the body only scanned for the end
 * of the snapshot event (`event: snapshot` … the blank line after its one data line), not
 * parsed, so the client adds next to nothing: the response head and the snapshot's last byte in
 * ms after the request, and the body's bytes up to there.
 * @param {{ url: string, adminToken: string }} server
 */
export async function snapshotReference(server, count = REFERENCE_OPENS) {
  const opens = [];
  for (let i = 0; i < count; i++) {
    opens.push(await snapshotOnce(server));
    await quiet(server.url);
  }
  return opens;
}

const SNAPSHOT_START = Buffer.from('event: snapshot\n');
const EVENT_END = Buffer.from('\n\n');

/**
 * @param {{ url: string, adminToken: string }} server
 * @returns {Promise<{ headMs: number, snapshotMs: number, bytes: number }>}
 */
function snapshotOnce(server) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const request = httpGet(
      `${server.url}/api/events`,
      { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${server.adminToken}` } },
      (response) => {
        const headMs = now() - t0;
        if (response.statusCode !== 200) {
          request.destroy();
          reject(new Error(`GET /api/events answered ${response.statusCode}`));
          return;
        }
        let received = 0;
        // The last bytes of the previous chunk, for a marker cut in two; where the event begins.
        let tail = Buffer.alloc(0);
        let eventAt = -1;
        response.on('data', (/** @type {Buffer} */ chunk) => {
          const at = now();
          const window = Buffer.concat([tail, chunk]);
          const base = received - tail.length; // body offset of window[0]
          received += chunk.length;
          if (eventAt < 0) {
            const i = window.indexOf(SNAPSHOT_START);
            if (i >= 0) eventAt = base + i;
          }
          if (eventAt >= 0) {
            const end = window.indexOf(EVENT_END, Math.max(0, eventAt - base + SNAPSHOT_START.length));
            if (end >= 0) {
              clearTimeout(timer);
              request.destroy();
              resolve({ headMs, snapshotMs: at - t0, bytes: base + end + EVENT_END.length });
              return;
            }
          }
          tail = window.subarray(Math.max(0, window.length - SNAPSHOT_START.length));
        });
      },
    );
    request.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`GET /api/events sent no whole snapshot within ${OPEN_TIMEOUT_MS / 1000} s`));
    }, OPEN_TIMEOUT_MS);
  });
}
