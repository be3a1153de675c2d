// What the archive benchmark times: sequential requests to the console over HTTP on 127.0.0.1,
// the same records read straight from the stream with nats.js (the floor), and opening /feed in
// Chromium until its rows are in the DOM (timed in the page, on the wall clock the bench shares).
import { DeliverPolicy } from '@nats-io/jetstream';
import { clockOffset, signedInContext } from '../lib/browser.mjs';
import { now } from '../lib/clock.mjs';

export const REQUESTS = 30;
export const WARMUP_REQUESTS = 5;
export const WARMUP_OPENS = 1;
export const PAGE_LIMIT = 100;
// The feed's rows (components/feed/live-feed.tsx, feed-row.tsx): one <li> per revision in the list named "Changes".
export const ROW_SELECTOR = 'ol[aria-label="Changes"] > li[data-revision]';
const OPEN_TIMEOUT_MS = 30_000;

/** @typedef {import('@nats-io/jetstream').JetStreamClient} JetStreamClient */
/** @typedef {import('./setup.mjs').Console} Console */
/** @typedef {{ ms: number[], answer: string }} Timed the counted times, and what the last call answered */
/**
 * @typedef {{ inDomMs?: number, nextFrameMs?: number, rows: number, changesFetchMs?: number, changesFetchEndMs?: number,
 *   domContentLoadedMs?: number }} FeedOpen
 *   one opening of /feed, ms after page.goto() was called; changesFetch*: the page's GET /api/changes
 */

/**
 * Calls `call` WARMUP + `count` times one after another, timing each; `call` returns a short
 * description of its answer, checked by the caller (the last one is kept).
 * @param {() => Promise<string>} call
 * @returns {Promise<Timed>}
 */
export async function timeCalls(call, count = REQUESTS, warmup = WARMUP_REQUESTS) {
  /** @type {number[]} */
  const ms = [];
  let answer = '';
  for (let i = -warmup; i < count; i++) {
    const t0 = now();
    answer = await call();
    if (i >= 0) ms.push(now() - t0);
  }
  return { ms, answer };
}

/**
 * One GET of the console's API, the body read to its end inside the timing; `describe` turns
 * the parsed JSON into the answer's description afterwards.
 * @param {Console} server
 * @param {string} path
 * @param {(body: any) => string} describe
 */
export function apiGet(server, path, describe) {
  return async () => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return describe(JSON.parse(text));
  };
}

/**
 * Reads `count` records straight from the stream, from sequence `fromSeq` on (`filter`: only
 * those subjects), through one ordered consumer, each parsed as JSON. Resolves with how many it
 * got and the revision range.
 * @param {JetStreamClient} js
 * @param {{ stream: string, filter?: string, fromSeq: number, count: number }} options
 */
export async function readRecords(js, { stream, filter, fromSeq, count }) {
  const consumer = await js.consumers.get(stream, {
    ...(filter ? { filter_subjects: filter } : {}),
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromSeq,
  });
  const messages = await consumer.consume({ max_messages: Math.min(count, 1_000) });
  let got = 0;
  let newest = -Infinity;
  let oldest = Infinity;
  for await (const m of messages) {
    const { revision } = m.json();
    newest = Math.max(newest, revision);
    oldest = Math.min(oldest, revision);
    if (++got === count || m.info.pending === 0) break;
  }
  await messages.close();
  return `${got} records, revisions ${oldest}…${newest}`;
}

/**
 * Reads the newest `count` records of `filter` without a consumer: the stream's subjects under
 * `filter` (one stream info; each subject names its revision), then each of the newest by its
 * subject, all at once.
 * @param {import('@nats-io/jetstream').JetStreamManager} jsm
 * @param {{ stream: string, filter: string, count: number }} options
 */
export async function readBySubjects(jsm, { stream, filter, count }) {
  const { state } = await jsm.streams.info(stream, { subjects_filter: filter });
  const subjects = Object.keys(state.subjects ?? {})
    .map((subject) => ({ subject, revision: Number(subject.slice(subject.lastIndexOf('.') + 1)) }))
    .sort((a, b) => b.revision - a.revision)
    .slice(0, count);
  const stored = await Promise.all(subjects.map(({ subject }) => jsm.streams.getMessage(stream, { last_by_subj: subject })));
  const revisions = stored.map((m) => (m ? m.json().revision : NaN));
  return `${revisions.length} records, revisions ${Math.min(...revisions)}…${Math.max(...revisions)}`;
}

/**
 * Runs in every tab before the app (context.addInitScript), so it must be self-contained: the
 * time the feed's list first holds `rows` rows (MutationObserver callbacks run right after React's
 * commit) and the frame after it, on the wall clock.
 * @param {{ selector: string, rows: number, timeoutMs: number }} options
 */
function feedProbe({ selector, rows, timeoutMs }) {
  /** @type {import('./feed-probe.d.mts').FeedProbe} */
  const probe = { inDomAt: undefined, frameAt: undefined, rows: 0, settled: undefined };
  window.__archiveFeed = probe;
  /** @type {() => void} */
  let done = () => {};
  probe.settled = new Promise((resolve) => {
    done = () => resolve(undefined);
    setTimeout(resolve, timeoutMs);
  });
  const check = () => {
    if (probe.inDomAt !== undefined) return;
    probe.rows = document.querySelectorAll(selector).length;
    if (probe.rows < rows) return;
    probe.inDomAt = performance.timeOrigin + performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        probe.frameAt = performance.timeOrigin + performance.now();
        done();
      };
      channel.port2.postMessage(null);
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true });
}

/**
 * Opens /feed WARMUP_OPENS + `runs` times in a signed-in context of `browser`, one tab at a
 * time (each closed before the next opens, so each tab is the one live connection), until the
 * list holds `rows` rows.
 * @param {{ browser: import('@playwright/test').Browser, server: Console, rows: number, runs: number }} options
 */
export async function feedOpens({ browser, server, rows, runs }) {
  const context = await signedInContext(browser, server.url, server.adminToken);
  try {
    await context.addInitScript(feedProbe, { selector: ROW_SELECTOR, rows, timeoutMs: OPEN_TIMEOUT_MS });
    /** @type {FeedOpen[]} */
    const opens = [];
    /** @type {import('../lib/browser.mjs').ClockOffset | undefined} */
    let clock;
    for (let i = -WARMUP_OPENS; i < runs; i++) {
      const page = await context.newPage();
      try {
        const t0 = now();
        await page.goto('/feed', { waitUntil: 'commit' });
        const got = await page.evaluate(async () => {
          const probe = window.__archiveFeed;
          await probe.settled;
          const changes = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource')).find(
            (e) => new URL(e.name).pathname === '/api/changes',
          );
          const navigation = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
          /** @param {number | undefined} t */
          const wall = (t) => (t === undefined ? undefined : performance.timeOrigin + t);
          return {
            inDomAt: probe.inDomAt,
            frameAt: probe.frameAt,
            rows: probe.rows,
            changesStart: wall(changes?.startTime),
            changesEnd: wall(changes?.responseEnd),
            domContentLoaded: wall(navigation?.domContentLoadedEventEnd),
          };
        });
        clock ??= await clockOffset(page);
        /** @param {number | undefined} t */
        const since = (t) => (t === undefined ? undefined : t - t0);
        if (i >= 0)
          opens.push({
            inDomMs: since(got.inDomAt),
            nextFrameMs: since(got.frameAt),
            rows: got.rows,
            changesFetchMs: got.changesEnd !== undefined && got.changesStart !== undefined ? got.changesEnd - got.changesStart : undefined,
            changesFetchEndMs: since(got.changesEnd),
            domContentLoadedMs: since(got.domContentLoaded),
          });
      } finally {
        await page.close();
      }
    }
    return { opens, clock };
  } finally {
    await context.close();
  }
}
