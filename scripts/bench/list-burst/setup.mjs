// What list-burst runs on: the bucket and its marker pipe, the shape of a burst, and a signed-in
// headless Chromium with two tabs of the list, each in a window of its own.
import { Kvm } from '@nats-io/kv';
import { signedInContext } from '../lib/browser.mjs';
import { makePipes, putAll } from '../lib/pipes.mjs';
import { DEFAULT_BUCKET } from '../../../lib/defaults.mjs';

export const BUCKET = DEFAULT_BUCKET;
export const HISTORY = 3;
// Sorts before every generated key (domain_view_nnnnn), so its row is the list's first.
export const MARKER_KEY = 'aaa_burst_marker';
export const IN_FLIGHT = 50;
export const WARMUP_BURSTS = 1;
export const BURST_TIMEOUT_MS = 60_000;
// After a burst, until the next: row marks expire 5 s after their change arrived
// (components/pipes/list/row-marks.ts), so each burst starts on a quiet list; the long tasks of
// this tail are reported apart.
export const TAIL_MS = 6_000;
export const RAW_PAUSE_MS = 500;
export { VIEWPORT } from '../lib/browser.mjs';

/** @typedef {{ role: 'leader' | 'follower', page: import('@playwright/test').Page, cdp: import('@playwright/test').CDPSession }} Tab */

/**
 * Creates the bucket with `count` generated pipes and the marker.
 * @param {import('@nats-io/transport-node').NatsConnection} writer
 * @param {number} count
 * @returns {Promise<{ kv: import('@nats-io/kv').KV, pipes: { key: string, pipe: any }[] }>} pipes: parsed, for the bursts to edit
 */
export async function seedBucket(writer, count) {
  const kv = await new Kvm(writer).create(BUCKET, { history: HISTORY });
  const generated = makePipes(count);
  await putAll(kv, generated);
  await kv.put(MARKER_KEY, JSON.stringify({ name: MARKER_KEY, sql: 'SELECT 1', description: 'list-burst marker: not written yet' }));
  return { kv, pipes: generated.map(({ key, value }) => ({ key, pipe: JSON.parse(value) })) };
}

/**
 * Runs in every tab before the app (context.addInitScript), so it must be self-contained: long
 * tasks and long animation frames (buffered, with their timestamps on the shared wall clock),
 * the EventSources the tab opened (which tab leads), and the marker watch.
 */
function pageProbe() {
  /** @param {number} t */
  const wall = (t) => performance.timeOrigin + t;
  /** @type {import('./page-probe.d.mts').PageProbe} */
  const probe = { longTasks: [], frames: [], sources: [], watch: undefined, openSources, arm, wait };
  window.__listBurst = probe;
  /** @template {PerformanceEntry} E  @param {string} type  @param {(entry: E) => void} record */
  const observe = (type, record) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach((e) => record(/** @type {E} */ (e)))).observe({ type, buffered: true });
    } catch {
      // entry type not supported: the figures stay empty
    }
  };
  observe('longtask', (e) => probe.longTasks.push({ start: wall(e.startTime), duration: e.duration }));
  // Long animation frames say which callbacks the time went to (long tasks do not).
  observe('long-animation-frame', (/** @type {any} */ e) =>
    probe.frames.push({
      start: wall(e.startTime),
      duration: e.duration,
      blockingDuration: e.blockingDuration,
      renderMs: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
      scripts: e.scripts.map((/** @type {any} */ s) => ({
        invoker: s.invoker,
        invokerType: s.invokerType,
        duration: s.duration,
        forcedStyleAndLayoutMs: s.forcedStyleAndLayoutDuration,
      })),
    }),
  );
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    /** @param {ConstructorParameters<typeof EventSource>} args */
    constructor(...args) {
      super(...args);
      probe.sources.push(this);
    }
  };
  function openSources() {
    return probe.sources.filter((s) => s.readyState !== NativeEventSource.CLOSED).length;
  }

  // The marker's description cell reads `text`: in the DOM now (the end of React's commit, as
  // MutationObserver callbacks run right after it), on screen after the next frame.
  const check = () => {
    const w = probe.watch;
    if (!w || w.visibleAt !== undefined) return;
    const row = /** @type {HTMLTableRowElement | null} */ (document.querySelector(`tr[data-key="${w.key}"]`));
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
  /** @param {string} key  @param {string} text  @param {number} timeoutMs */
  function arm(key, text, timeoutMs) {
    /** @type {import('./page-probe.d.mts').MarkerWatch} */
    const w = { key, text, visibleAt: undefined, frameAt: undefined, done: () => {} };
    w.settled = new Promise((resolve) => {
      w.done = () => resolve(undefined);
      setTimeout(resolve, timeoutMs);
    });
    probe.watch = w;
    check();
  }
  async function wait() {
    const w = /** @type {import('./page-probe.d.mts').MarkerWatch} */ (probe.watch);
    await w.settled;
    return { visibleAt: w.visibleAt, frameAt: w.frameAt };
  }
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

/**
 * A context signed in to the console at `baseURL` as admin, with the page probe in every tab.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} baseURL
 * @param {string} adminToken
 */
export async function probedContext(browser, baseURL, adminToken) {
  const context = await signedInContext(browser, baseURL, adminToken);
  await context.addInitScript(pageProbe);
  return context;
}

/**
 * The leader's and the follower's tab of the list `/`, each in a window of its own, once each is
 * live and shows the marker row.
 * @param {import('@playwright/test').BrowserContext} context
 * @param {import('@playwright/test').CDPSession} browserCdp
 * @returns {Promise<[Tab, Tab]>}
 */
export async function openTabs(context, browserCdp) {
  /** @type {Tab[]} */
  const tabs = [];
  for (const role of /** @type {const} */ (['leader', 'follower'])) {
    const page = tabs[0] ? await openInNewWindow(context, browserCdp, tabs[0].cdp) : await context.newPage();
    await page.goto('/');
    await page.locator('[role=status][data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.locator(`tr[data-key="${MARKER_KEY}"] td:nth-child(2)`).waitFor({ timeout: 30_000 });
    tabs.push({ role, page, cdp: await context.newCDPSession(page) });
  }
  const [leader, follower] = tabs;
  if (!leader || !follower) throw new Error('two tabs were opened, yet not two are there');
  return [leader, follower];
}

/**
 * Who holds the live connection: EventSources open in each tab, streams the console serves.
 * @param {[Tab, Tab]} tabs
 * @param {{ url: string, adminToken: string }} server
 */
export async function roles([leader, follower], server) {
  return {
    leaderEventSources: await leader.page.evaluate(() => window.__listBurst.openSources()),
    followerEventSources: await follower.page.evaluate(() => window.__listBurst.openSources()),
    serverStreams: /** @type {number} */ (
      (await (await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json()).clients
    ),
  };
}

/**
 * What the tabs looked like before the first burst, for the results.
 * @param {[Tab, Tab]} tabs
 */
export async function setupChecks(tabs) {
  const [leader] = tabs;
  return {
    rowsRendered: await leader.page.locator('tr[data-key]').count(),
    visibility: await Promise.all(tabs.map((t) => t.page.evaluate(() => document.visibilityState))),
    windowIds: await Promise.all(tabs.map(async (t) => (await t.cdp.send('Browser.getWindowForTarget')).windowId)),
    longAnimationFrameSupported: await leader.page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')),
  };
}
