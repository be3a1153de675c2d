// What first-screen reports: per size (the floor's 10 pipes and the large bucket) the two
// figures and the breakdown of an opening, into the results JSON and the printed report, and
// the rows of the table of goals.
import { rounded, summarize } from '../lib/stats.mjs';
import { msOf, times } from '../lib/summary.mjs';
import { formatTable } from '../lib/table.mjs';
import { QUIET_MS, WARMUP_OPENS } from './measure.mjs';

const GOAL_FIRST_ROW_RATIO = 1.2; // the first row of the large list within 1.2× of the floor's
const GOAL_SEARCH_MS = 500; // search usable within 500 ms of navigation start

/** @typedef {import('./measure.mjs').Open} Open */
/** @typedef {ReturnType<typeof summarize>} Summary */
/**
 * @typedef {{ pipes: number, bucket: string, searchKey: string, seededBytes: number,
 *   consoleReady: { atMs: number, listBytes: number },
 *   series: { counted: Record<'view' | 'search', Open[]>, warmUp: Record<'view' | 'search', Open[]> },
 *   reference: { headMs: number, snapshotMs: number, bytes: number }[] }} Size
 *   one console on one bucket: what it held, and every opening of `/`
 */
/**
 * @typedef {{ startedAt: string, durationMs: number, machine: ReturnType<typeof import('../lib/clock.mjs').machineFacts>,
 *   build: { id: string, builtAt: string }, runs: number, viewport: unknown, floor: Size, large: Size,
 *   serverWarnings: { floor: { at: number, text: string }[], large: { at: number, text: string }[] } }} Run
 */

/** @param {number[]} values */
const brief = (values) => {
  if (values.length === 0) return undefined;
  const s = summarize(values);
  delete s.runs;
  return s;
};

/**
 * @param {Open[]} opens
 * @param {(o: Open) => number | undefined} fn
 */
const over = (opens, fn) =>
  brief(
    opens
      .map(fn)
      .filter((v) => v !== undefined)
      .map(Number),
  );

/** @param {number | undefined} a  @param {number | undefined} b */
const minus = (a, b) => (a === undefined || b === undefined ? undefined : a - b);

/** A script's URL without the origin (each console has a port of its own). */
const shortUrl = (/** @type {string} */ invoker) => invoker.replace(/^https?:\/\/[^/]+/, '');

/** @param {Size} size */
function sizeResults(size) {
  const { view, search } = size.series.counted;
  const both = [...view, ...search];
  /** @type {Map<string, number[]>} */
  const invokers = new Map();
  for (const o of view) for (const s of o.framesBefore.scripts) invokers.set(s.invoker, [...(invokers.get(s.invoker) ?? []), s.ms]);
  return {
    pipes: size.pipes,
    bucket: size.bucket,
    searchKey: size.searchKey,
    seededBytes: size.seededBytes,
    consoleReady: size.consoleReady,
    figures: {
      firstRowMs: summarize(view.map((o) => /** @type {number} */ (o.firstRowMs))),
      firstRowFrameMs: over(view, (o) => o.firstRowFrameMs),
      searchMs: summarize(search.map((o) => /** @type {number} */ (o.searchMs))),
      searchFrameMs: over(search, (o) => o.searchFrameMs),
    },
    // Of the view openings unless said otherwise; ms since navigation start.
    breakdown: {
      documentResponseEndMs: over(view, (o) => o.documentResponseEndMs),
      rowInDomMs: over(view, (o) => o.rowInDomMs),
      firstContentfulPaintMs: over(view, (o) => o.firstContentfulPaintMs),
      domContentLoadedMs: over(view, (o) => o.domContentLoadedMs),
      loadMs: over(view, (o) => o.loadMs),
      scriptsLastEndMs: over(view, (o) => o.scripts.lastEndMs),
      inputMs: over(view, (o) => o.inputMs),
      eventSourceMs: over(view, (o) => o.eventSourceMs),
      snapshotMs: over(view, (o) => o.snapshotMs),
      snapshotHandledMs: over(view, (o) => o.snapshotHandledMs),
      // Derived, per opening: EventSource made → its snapshot reached the app; the app's
      // listener (JSON.parse + store); the listener returned → first row (React's render; negative
      // when the row came before the snapshot, from the server's HTML).
      eventSourceToSnapshotMs: over(view, (o) => minus(o.snapshotMs, o.eventSourceMs)),
      snapshotListenerMs: over(view, (o) => minus(o.snapshotHandledMs, o.snapshotMs)),
      snapshotHandledToFirstRowMs: over(view, (o) => minus(o.firstRowMs, o.snapshotHandledMs)),
      snapshotHandledToSearchMs: over(search, (o) => minus(o.searchMs, o.snapshotHandledMs)),
      searchInputMs: over(search, (o) => o.inputMs),
      typings: over(search, (o) => o.typings),
      valueResets: over(search, (o) => o.valueResets),
      valueResetMs: over(search, (o) => o.valueResetMs),
      longTasksBeforeFirstRow: {
        count: over(view, (o) => o.longTasksBefore.count),
        sumMs: over(view, (o) => o.longTasksBefore.sumMs),
        maxMs: over(view, (o) => o.longTasksBefore.maxMs),
      },
      longFramesBeforeFirstRow: { ms: over(view, (o) => o.framesBefore.ms), renderMs: over(view, (o) => o.framesBefore.renderMs) },
      // Mean ms per opening of each script (≥ 5 ms) in the long animation frames before the first
      // row (an opening without it counts 0), and in how many openings it was.
      scriptsBeforeFirstRow: [...invokers]
        .map(([invoker, ms]) => ({ invoker: shortUrl(invoker), meanMs: ms.reduce((a, b) => a + b, 0) / view.length, openings: ms.length }))
        .filter((x) => x.meanMs >= 1)
        .sort((a, b) => b.meanMs - a.meanMs)
        .slice(0, 6),
      bytes: {
        snapshot: over(both, (o) => o.snapshotBytes),
        snapshotPipes: over(both, (o) => o.snapshotPipes),
        document: over(view, (o) => o.documentBytes),
        scripts: over(view, (o) => o.scripts.bytes),
        scriptFiles: over(view, (o) => o.scripts.count),
        api: [...new Set(both.flatMap((o) => o.api.map((a) => a.path)))].map((path) => ({
          path,
          bytes: over(both, (o) => o.api.filter((a) => a.path === path).reduce((n, a) => n + a.bytes, 0)),
          endMs: over(view, (o) => o.api.find((a) => a.path === path)?.endMs),
        })),
      },
    },
    consoleSnapshot: {
      headMs: brief(size.reference.map((r) => r.headMs)),
      snapshotMs: brief(size.reference.map((r) => r.snapshotMs)),
      bytes: brief(size.reference.map((r) => r.bytes)),
    },
    opens: size.series.counted,
    warmUp: size.series.warmUp,
  };
}

/** @param {Run} run */
function results(run) {
  const floor = sizeResults(run.floor);
  const large = sizeResults(run.large);
  return {
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    machine: run.machine,
    build: run.build,
    setup: {
      runs: run.runs,
      warmUpOpens: WARMUP_OPENS,
      quietAfterEachMs: QUIET_MS,
      viewport: run.viewport,
      openings:
        'each in a fresh signed-in browser context (no cache, no other tab), view and search in turn; times are the page’s performance.now() (ms since navigation start)',
      firstRow:
        'the first tr[data-key] in the DOM with a non-zero bounding box (so not in a hidden Suspense boundary) while every stylesheet of the page is loaded (view openings)',
      searchUsable:
        'the search input’s value set to searchKey with the native setter and an input event, as soon as it exists and every frame after, until the list shows tr[data-key=searchKey] (laid out) and no other tr[data-key] (search openings)',
    },
    floor,
    large,
    ratios: {
      firstRowP50: large.figures.firstRowMs.median / floor.figures.firstRowMs.median,
      searchP50: large.figures.searchMs.median / floor.figures.searchMs.median,
    },
    serverWarnings: run.serverWarnings,
  };
}

/** @typedef {ReturnType<typeof results>} Results */

/** @param {number | undefined} v */
const f = (v) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
/** @param {number | undefined} b */
const kib = (b) => (b === undefined ? '–' : b < 10_240 ? `${(b / 1024).toFixed(1)} KiB` : `${Math.round(b / 1024)} KiB`);
const n = (/** @type {number} */ v) => v.toLocaleString('en-US');

/** @param {Results} r */
function report(r) {
  const { floor, large } = r;
  /** @param {string} label  @param {(s: ReturnType<typeof sizeResults>) => Summary | undefined} pick */
  const line = (label, pick) => {
    const a = pick(floor);
    const b = pick(large);
    return [label, f(a?.median), f(a?.p95), f(b?.median), f(b?.p95), a && b ? times(b.median / a.median) : '–'];
  };
  const header = [
    `ms since navigation start, N=${r.setup.runs}`,
    `${n(floor.pipes)} pipes p50`,
    'p95',
    `${n(large.pipes)} pipes p50`,
    'p95',
    'p50 ÷',
  ];
  const figures = formatTable(header, [
    line('first row visible (view openings)', (s) => s.figures.firstRowMs),
    line('  … and the next frame', (s) => s.figures.firstRowFrameMs),
    line('search usable (search openings)', (s) => s.figures.searchMs),
    line('  … and the next frame', (s) => s.figures.searchFrameMs),
  ]);
  const breakdown = formatTable(
    ['breakdown, view openings', `${n(floor.pipes)} p50`, 'p95', `${n(large.pipes)} p50`, 'p95', 'p50 ÷'],
    [
      line('document response end', (s) => s.breakdown.documentResponseEndMs),
      line('first row in the DOM (laid out or not)', (s) => s.breakdown.rowInDomMs),
      line('first contentful paint', (s) => s.breakdown.firstContentfulPaintMs),
      line('last script loaded', (s) => s.breakdown.scriptsLastEndMs),
      line('DOMContentLoaded end', (s) => s.breakdown.domContentLoadedMs),
      line('load event', (s) => s.breakdown.loadMs),
      line('search input in the DOM', (s) => s.breakdown.inputMs),
      line('EventSource made', (s) => s.breakdown.eventSourceMs),
      line('snapshot event reached the app', (s) => s.breakdown.snapshotMs),
      line("app's snapshot listener returned", (s) => s.breakdown.snapshotHandledMs),
      line('  EventSource made → snapshot in the app', (s) => s.breakdown.eventSourceToSnapshotMs),
      line("  the app's snapshot listener (parse, store)", (s) => s.breakdown.snapshotListenerMs),
      line('  listener returned → first row', (s) => s.breakdown.snapshotHandledToFirstRowMs),
      line('  listener returned → search answered (search)', (s) => s.breakdown.snapshotHandledToSearchMs),
      line('search input found reset, the last time (search)', (s) => s.breakdown.valueResetMs),
      line('long tasks before the first row, sum', (s) => s.breakdown.longTasksBeforeFirstRow.sumMs),
      line('long tasks before the first row, max', (s) => s.breakdown.longTasksBeforeFirstRow.maxMs),
      line('console alone: GET /api/events head (no browser)', (s) => s.consoleSnapshot.headMs),
      line("console alone: … the snapshot's last byte", (s) => s.consoleSnapshot.snapshotMs),
    ],
  );
  /** @param {ReturnType<typeof sizeResults>} s */
  const bytes = (s) => {
    const b = s.breakdown.bytes;
    const api = b.api.map((a) => `${a.path} ${kib(a.bytes?.median)}`).join(', ');
    return (
      `${n(s.pipes)} pipes: snapshot event ${kib(b.snapshot?.median)} (${f(b.snapshotPipes?.median)} pipes; the console alone: ${kib(s.consoleSnapshot.bytes?.median)} of body to its end), ` +
      `document ${kib(b.document?.median)}, ${f(b.scriptFiles?.median)} scripts ${kib(b.scripts?.median)}${api ? `, finished API fetches: ${api}` : ''}`
    );
  };
  /** @param {ReturnType<typeof sizeResults>} s */
  const scripts = (s) =>
    s.breakdown.scriptsBeforeFirstRow.length
      ? s.breakdown.scriptsBeforeFirstRow.map((x) => `${x.invoker} ${f(x.meanMs)} ms (in ${x.openings})`).join('; ')
      : 'none ≥ 5 ms';
  /** @param {ReturnType<typeof sizeResults>} s */
  const frames = (s) =>
    `${f(s.breakdown.longFramesBeforeFirstRow.ms?.median)} ms of long animation frames, of it rendering ${f(s.breakdown.longFramesBeforeFirstRow.renderMs?.median)} ms`;
  const wv = (/** @type {ReturnType<typeof sizeResults>} */ s) =>
    `${f(s.warmUp.view[0]?.firstRowMs)} / ${f(s.warmUp.search[0]?.searchMs)} ms`;
  return [
    `first screen — \`/\` with ${n(floor.pipes)} and ${n(large.pipes)} pipes, a console (server.mjs) for each, one headless Chromium; ` +
      `N=${r.setup.runs} openings of each kind after ${r.setup.warmUpOpens} warm-up, each in a fresh signed-in context`,
    '',
    figures,
    '',
    'first row visible: the first tr[data-key] in the DOM, laid out, the stylesheets loaded. search usable: the key of the last pipe in name order ' +
      `(${floor.searchKey} / ${large.searchKey}) set in the search as soon as it exists, again every frame, until the list shows that row and no other; ` +
      `typed ${f(floor.breakdown.typings?.median)} / ${f(large.breakdown.typings?.median)} times (median), the input found reset ` +
      `(no longer holding the query typed) ${f(floor.breakdown.valueResets?.median)} / ${f(large.breakdown.valueResets?.median)} times. ` +
      `With N < 20 the p95 is the maximum.`,
    `goals: first row ${times(r.ratios.firstRowP50)} the floor's (goal ≤ ${GOAL_FIRST_ROW_RATIO}×: ${r.ratios.firstRowP50 <= GOAL_FIRST_ROW_RATIO ? 'met' : 'missed'}); ` +
      `search usable ${msOf(large.figures.searchMs.median)} (goal ≤ ${GOAL_SEARCH_MS} ms: ${large.figures.searchMs.median <= GOAL_SEARCH_MS ? 'met' : 'missed'})`,
    '',
    breakdown,
    '',
    `bytes (median): ${bytes(floor)}`,
    `                ${bytes(large)}`,
    `before the first row, ${n(large.pipes)} pipes: ${frames(large)}; scripts ≥ 5 ms in them (mean per opening): ${scripts(large)}`,
    `before the first row, ${n(floor.pipes)} pipes: ${frames(floor)}; scripts: ${scripts(floor)}`,
    `console ready (GET /api/pipes answers with every pipe, ms after spawn): ${f(floor.consoleReady.atMs)} / ${f(large.consoleReady.atMs)}; ` +
      `warm-up openings (not counted), first row / search: ${wv(floor)} and ${wv(large)}`,
    `machine: ${r.machine.cpus} CPUs, ${r.machine.chromium ? `Chromium ${r.machine.chromium}, ` : ''}load average ${r.machine.loadavgBefore.join(' ')} at start, ` +
      `${r.machine.loadavgAfter.join(' ')} at end; run took ${(r.durationMs / 1000).toFixed(1)} s; build ${r.build.id} (${r.build.builtAt})`,
    ...(r.serverWarnings.floor.length + r.serverWarnings.large.length
      ? [
          `the consoles logged ${r.serverWarnings.floor.length + r.serverWarnings.large.length} warning/error line(s); see serverWarnings in the JSON`,
        ]
      : []),
  ].join('\n');
}

/**
 * The rows of the table of goals.
 * @param {Results} r
 * @returns {import('../lib/summary.mjs').SummaryRow[]}
 */
function rows(r) {
  const { floor, large } = r;
  const p = (/** @type {Summary} */ s) => `${msOf(s.median)} (p95 ${msOf(s.p95)})`;
  return [
    {
      figure: `\`/\` with ${n(large.pipes)} pipes: navigation → first row visible, p50`,
      measured: p(large.figures.firstRowMs),
      floor: `the same page with ${n(floor.pipes)} pipes: ${p(floor.figures.firstRowMs)}`,
      ratio: times(r.ratios.firstRowP50),
      goal: `≤ ${GOAL_FIRST_ROW_RATIO}×`,
      met: r.ratios.firstRowP50 <= GOAL_FIRST_ROW_RATIO,
    },
    {
      figure: `\`/\` with ${n(large.pipes)} pipes: navigation → search usable, p50`,
      measured: p(large.figures.searchMs),
      floor: `the same page with ${n(floor.pipes)} pipes: ${p(floor.figures.searchMs)}`,
      ratio: times(r.ratios.searchP50),
      goal: `≤ ${GOAL_SEARCH_MS} ms`,
      met: large.figures.searchMs.median <= GOAL_SEARCH_MS,
    },
  ];
}

/**
 * The results JSON (rounded), the printed report and the rows of the table of goals.
 * @param {Run} run
 */
export function summariseRun(run) {
  const r = results(run);
  return { results: rounded(r, 2), report: report(r), rows: rows(r) };
}
