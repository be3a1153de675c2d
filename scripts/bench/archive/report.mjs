// What the archive benchmark reports: the series summed up into the results JSON, each figure
// with the floor it is set against, and the tables and goal lines printed under them.
import { rounded, summarize } from '../lib/stats.mjs';
import { formatTable, mib } from '../lib/table.mjs';
import { WARMUP_PUTS } from '../sse-latency.mjs';
import { PAGE_LIMIT, REQUESTS, ROW_SELECTOR, WARMUP_OPENS, WARMUP_REQUESTS } from './measure.mjs';
import { BUCKET, DEEP_KEY, FLOOR_BUCKET, FLOOR_CHANGES, FLOOR_STREAM, HISTORY, SEED_IN_FLIGHT, STREAM } from './setup.mjs';

const GOAL_ADDED_P50 = 0.1; // the archive adds ≤ 10 % to the live path's p50
const GOAL_PAGE_MS = 50; // a first page of history or changes within 50 ms
// RSS moves by a few MiB between two starts of the same console: a difference within this is no growth.
const RSS_NOISE_MIB = 10;

/** @typedef {ReturnType<typeof summarize>} Summary */
/** @typedef {import('./measure.mjs').Timed} Timed */
/** @typedef {import('./measure.mjs').FeedOpen} FeedOpen */
/** @typedef {{ latencies: number[], cpuMsPerPut: number[], missing: number[], archived: number[], readyMs: number[] }} LiveSeries */
/** @typedef {{ readyMs: number, settled: import('./setup.mjs').Settled, pages: import('../archive.mjs').FirstPages, deep: import('../archive.mjs').DeepPages }} Archive */
/** @typedef {{ opens: FeedOpen[], clock: import('../lib/browser.mjs').ClockOffset | undefined }} Feed */
/**
 * @typedef {{ startedAt: string, durationMs: number, machine: { node: string, cpus: number, chromium: string, loadavgBefore: number[], loadavgAfter: number[] },
 *   build: { id: string, builtAt: string }, pipes: number, puts: number, perRound: number, rounds: number, runs: number, changes: number,
 *   live: Record<'off' | 'on', LiveSeries>, small: Archive, large: Archive,
 *   deepWrite: { revisions: number, ms: number, archivedAfterMs: number },
 *   seeded: Awaited<ReturnType<typeof import('./setup.mjs').seedArchive>>,
 *   feed: { large: Feed, floor: Feed, floorRecords: number },
 *   serverWarnings: { at: number, text: string }[] }} Run
 */

/**
 * The results JSON (rounded) and the printed report, from everything the run collected.
 * @param {Run} run
 */
export function summariseRun(run) {
  const r = results(run);
  return { results: rounded(r, 2), report: report(r) };
}

/** @param {number[]} values  @returns {Summary} */
const brief = (values) => {
  const s = summarize(values);
  delete s.runs;
  return s;
};

/**
 * @param {Timed} timed
 * @param {number} [records] the archive's size when it was measured
 */
const requestSeries = (timed, records) => ({
  ...(records === undefined ? {} : { records }),
  ms: summarize(timed.ms),
  answer: timed.answer,
});

/**
 * @template T
 * @param {T[]} list
 * @param {(item: T) => number | undefined} fn
 * @returns {Summary | undefined} undefined when an opening lacks the figure
 */
const pick = (list, fn) => {
  const values = list.map(fn);
  return values.some((v) => v === undefined) ? undefined : summarize(/** @type {number[]} */ (values));
};

/** @param {import('../archive.mjs').DeepPages} deep */
const deepSeries = (deep) => ({
  history: requestSeries(deep.history, deep.records),
  rawPageByConsumer: requestSeries(deep.rawPage, deep.records),
  rawAllByConsumer: requestSeries(deep.rawAll, deep.records),
  rawPageBySubjects: requestSeries(deep.rawBySubjects, deep.records),
});

/** @param {Run} run */
function results(run) {
  const { live, small, large, feed } = run;
  const off = brief(live.off.latencies);
  const on = brief(live.on.latencies);
  const expectedArchived = run.perRound + WARMUP_PUTS;
  const changesLarge = requestSeries(large.pages.changes, large.settled.records);
  const deepLarge = requestSeries(large.deep.history, large.deep.records);
  /** @param {Summary} s */
  const within = (s) => ({ p50: s.median <= GOAL_PAGE_MS, p95: s.p95 <= GOAL_PAGE_MS });
  const rssDiff = {
    readyKiB: large.pages.rssReady.rssKiB - small.pages.rssReady.rssKiB,
    afterPagesKiB: large.pages.rssAfterPages.rssKiB - small.pages.rssAfterPages.rssKiB,
  };
  /** @param {Feed} f  @param {number} rows */
  const feedSeries = (f, rows) => ({
    rowsWaitedFor: rows,
    rowsSeen: f.opens.map((o) => o.rows),
    gotoToRowsInDomMs: pick(f.opens, (o) => o.inDomMs),
    gotoToNextFrameMs: pick(f.opens, (o) => o.nextFrameMs),
    changesFetchMs: pick(f.opens, (o) => o.changesFetchMs),
    gotoToChangesFetchEndMs: pick(f.opens, (o) => o.changesFetchEndMs),
    gotoToDomContentLoadedMs: pick(f.opens, (o) => o.domContentLoadedMs),
    clock: f.clock,
  });
  const feedLarge = feedSeries(feed.large, PAGE_LIMIT);
  const feedFloor = feedSeries(feed.floor, FLOOR_CHANGES);
  return {
    benchmark: 'archive',
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    machine: run.machine,
    setup: {
      pipes: run.pipes,
      bucket: BUCKET,
      history: HISTORY,
      stream: STREAM,
      build: run.build,
      livePath: `sse-latency's 1-client series: ${run.rounds} rounds of ${run.perRound} puts (+${WARMUP_PUTS} warm-up) per archive setting, consoles in turn off, on, off, on, …`,
      requests: `${REQUESTS} sequential GETs over HTTP on 127.0.0.1 after ${WARMUP_REQUESTS} warm-up, body read to its end`,
      deepKey: {
        key: DEEP_KEY,
        ...run.deepWrite,
        note: 'written through the console PUT (If-Match: *), at most the bucket history in flight',
      },
      seeded: {
        ...run.seeded,
        stream: STREAM,
        inFlight: SEED_IN_FLIGHT,
        note: 'records published straight to the stream, keys in no bucket',
      },
      feed: `headless Chromium, one tab at a time, ${WARMUP_OPENS} warm-up + ${run.runs} openings per archive; rows: ${ROW_SELECTOR}`,
      feedFloor: { bucket: FLOOR_BUCKET, stream: FLOOR_STREAM, records: feed.floorRecords },
      clock: 'performance.timeOrigin + performance.now() in the bench process and in each tab; t0 just before page.goto()',
    },
    livePath: {
      archiveOff: { latencyMs: off, consoleCpuMsPerPut: mean(live.off.cpuMsPerPut), missing: live.off.missing, readyMs: live.off.readyMs },
      archiveOn: {
        latencyMs: on,
        consoleCpuMsPerPut: mean(live.on.cpuMsPerPut),
        missing: live.on.missing,
        readyMs: live.on.readyMs,
        archivedPerRound: live.on.archived,
        expectedPerRound: expectedArchived,
        everyPutArchived: live.on.archived.every((n) => n === expectedArchived),
      },
      ratioP50: on.median / off.median,
      ratioP99: on.p99 / off.p99,
      addedP50: on.median / off.median - 1,
      meetsGoal: on.median <= (1 + GOAL_ADDED_P50) * off.median,
    },
    changesFirstPage: {
      smallArchive: requestSeries(small.pages.changes, small.settled.records),
      rawSmallArchive: requestSeries(small.pages.rawChanges, small.settled.records),
      largeArchive: changesLarge,
      rawLargeArchive: requestSeries(large.pages.rawChanges, large.settled.records),
      ratioToSmallArchive: changesLarge.ms.median / summarize(small.pages.changes.ms).median,
      ratioToRaw: changesLarge.ms.median / summarize(large.pages.rawChanges.ms).median,
      meetsGoal: within(changesLarge.ms),
    },
    historyFirstPage: {
      oneRevision: {
        smallArchive: requestSeries(small.pages.oneRevision, small.settled.records),
        largeArchive: requestSeries(large.pages.oneRevision, large.settled.records),
      },
      deep: { smallArchive: deepSeries(small.deep), largeArchive: deepSeries(large.deep) },
      ratioToOneRevision: deepLarge.ms.median / summarize(large.pages.oneRevision.ms).median,
      ratioToRaw: deepLarge.ms.median / summarize(large.deep.rawPage.ms).median,
      meetsGoal: within(deepLarge.ms),
    },
    memory: {
      smallArchive: {
        records: small.settled.records,
        ready: small.pages.rssReady,
        afterPages: small.pages.rssAfterPages,
        pagesCpuMs: small.pages.cpuMs,
      },
      largeArchive: {
        records: large.settled.records,
        ready: large.pages.rssReady,
        afterPages: large.pages.rssAfterPages,
        pagesCpuMs: large.pages.cpuMs,
      },
      differenceKiB: rssDiff,
      noiseMiB: RSS_NOISE_MIB,
      meetsGoal: Math.max(rssDiff.readyKiB, rssDiff.afterPagesKiB) <= RSS_NOISE_MIB * 1024,
    },
    startup: {
      smallArchiveReadyMs: small.readyMs,
      largeArchiveReadyMs: large.readyMs,
      smallSettled: small.settled,
      largeSettled: large.settled,
    },
    feed: {
      largeArchive: { records: large.settled.records, ...feedLarge },
      floor: { records: feed.floorRecords, ...feedFloor },
      ratioToFloor:
        feedLarge.gotoToRowsInDomMs && feedFloor.gotoToRowsInDomMs
          ? feedLarge.gotoToRowsInDomMs.median / feedFloor.gotoToRowsInDomMs.median
          : undefined,
    },
    goals: { addedP50Max: GOAL_ADDED_P50, firstPageMaxMs: GOAL_PAGE_MS, rssGrowthMaxMiB: RSS_NOISE_MIB },
    serverWarnings: run.serverWarnings,
  };
}

/** @param {number[]} values */
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** @param {number | undefined} v */
const f = (v) => (v === undefined || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));
/** @param {number | undefined} v */
const x = (v) => (v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(2)}×`);
/** @param {number} n */
const count = (n) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));
const ok = (/** @type {boolean} */ b) => (b ? 'met' : 'MISSED');

/** @param {ReturnType<typeof results>} r */
function report(r) {
  const lp = r.livePath;
  const offS = lp.archiveOff.latencyMs;
  /** @param {string} label  @param {Summary} s  @param {number} cpu */
  const liveRow = (label, s, cpu) => [
    label,
    s.n,
    f(s.median),
    f(s.p99),
    f(s.max),
    f(s.min),
    x(s.median / offS.median),
    x(s.p99 / offS.p99),
    f(cpu),
  ];
  const liveTable = formatTable(
    ['put → SSE `put` event, 1 client (ms)', 'N', 'p50', 'p99', 'max', 'min', 'p50 ÷ off', 'p99 ÷ off', 'console CPU ms/put'],
    [
      liveRow('archive off (floor)', offS, lp.archiveOff.consoleCpuMsPerPut),
      liveRow(`archive on (${STREAM})`, lp.archiveOn.latencyMs, lp.archiveOn.consoleCpuMsPerPut),
    ],
  );

  const c = r.changesFirstPage;
  const h = r.historyFirstPage;
  /**
   * @param {string} label
   * @param {{ records?: number, ms: Summary }} s
   * @param {{ ms: Summary } | undefined} floor
   * @param {{ ms: Summary } | undefined} raw
   * @param {string} floorName
   */
  const pageRow = (label, s, floor, raw, floorName) => [
    label,
    s.records === undefined ? '' : count(s.records),
    s.ms.n,
    f(s.ms.median),
    f(s.ms.p95),
    f(s.ms.max),
    floor ? x(s.ms.median / floor.ms.median) : '',
    raw ? x(s.ms.median / raw.ms.median) : '',
    floorName,
  ];
  const deep = `${r.setup.deepKey.revisions} revisions`;
  /** @param {typeof h.deep.smallArchive} d  @param {typeof h.oneRevision.smallArchive} one */
  const deepRows = (d, one) => [
    pageRow(`GET history, key of ${deep}`, d.history, one, d.rawPageByConsumer, '1 revision, same archive'),
    pageRow(`  raw: the key's newest ${PAGE_LIMIT}, 1 consumer`, d.rawPageByConsumer, undefined, undefined, 'raw floor'),
    pageRow(`  raw: all ${deep}, 1 consumer`, d.rawAllByConsumer, undefined, d.rawPageByConsumer, 'what the reader scans'),
    pageRow(`  raw: subjects, then ${PAGE_LIMIT} gets`, d.rawPageBySubjects, undefined, d.rawPageByConsumer, 'raw, no consumer'),
  ];
  const pageTable = formatTable(
    ['first page (ms)', 'archive', 'N', 'p50', 'p95', 'max', 'p50 ÷ floor', 'p50 ÷ raw', 'floor'],
    [
      pageRow(`GET /api/changes?limit=${PAGE_LIMIT}`, c.smallArchive, undefined, c.rawSmallArchive, 'this is the floor'),
      pageRow(`  raw: the newest ${PAGE_LIMIT} records`, c.rawSmallArchive, undefined, undefined, 'raw floor'),
      pageRow(`GET /api/changes?limit=${PAGE_LIMIT}`, c.largeArchive, c.smallArchive, c.rawLargeArchive, 'the same, small archive'),
      pageRow(`  raw: the newest ${PAGE_LIMIT} records`, c.rawLargeArchive, undefined, undefined, 'raw floor'),
      pageRow('GET history, key of 1 revision', h.oneRevision.smallArchive, undefined, undefined, 'this is the floor'),
      pageRow(
        'GET history, key of 1 revision',
        h.oneRevision.largeArchive,
        h.oneRevision.smallArchive,
        undefined,
        'the same, small archive',
      ),
      ...deepRows(h.deep.smallArchive, h.oneRevision.smallArchive),
      ...deepRows(h.deep.largeArchive, h.oneRevision.largeArchive),
    ],
  );

  const m = r.memory;
  const memTable = formatTable(
    ['console RSS', 'archive', 'ready', 'after the first pages', 'peak (VmHWM)'],
    [
      [
        'small archive (floor)',
        count(m.smallArchive.records),
        mib(m.smallArchive.ready.rssKiB),
        mib(m.smallArchive.afterPages.rssKiB),
        mib(m.smallArchive.afterPages.hwmKiB),
      ],
      [
        'large archive',
        count(m.largeArchive.records),
        mib(m.largeArchive.ready.rssKiB),
        mib(m.largeArchive.afterPages.rssKiB),
        mib(m.largeArchive.afterPages.hwmKiB),
      ],
      [
        'large − small',
        '',
        signedMib(m.differenceKiB.readyKiB),
        signedMib(m.differenceKiB.afterPagesKiB),
        signedMib(m.largeArchive.afterPages.hwmKiB - m.smallArchive.afterPages.hwmKiB),
      ],
    ],
  );

  const fl = r.feed;
  /** @param {string} label  @param {typeof fl.floor} s */
  const feedRow = (label, s) => [
    label,
    count(s.records),
    s.rowsWaitedFor,
    s.gotoToRowsInDomMs?.n ?? 0,
    f(s.gotoToRowsInDomMs?.median),
    f(s.gotoToRowsInDomMs?.max),
    f(s.gotoToRowsInDomMs?.min),
    x(s.gotoToRowsInDomMs && fl.floor.gotoToRowsInDomMs ? s.gotoToRowsInDomMs.median / fl.floor.gotoToRowsInDomMs.median : undefined),
    f(s.gotoToNextFrameMs?.median),
    f(s.gotoToDomContentLoadedMs?.median),
    f(s.changesFetchMs?.median),
  ];
  const feedTable = formatTable(
    [
      '/feed: goto → rows in the DOM (ms)',
      'archive',
      'rows',
      'N',
      'p50',
      'max',
      'min',
      'p50 ÷ floor',
      'next frame p50',
      'DOMContentLoaded p50',
      'its GET /api/changes p50',
    ],
    [feedRow(`archive of ${FLOOR_CHANGES} changes (floor)`, fl.floor), feedRow('large archive', fl.largeArchive)],
  );
  const missedRows = [fl.floor, fl.largeArchive].filter((s) => s.rowsSeen.some((n) => n < s.rowsWaitedFor));

  const on = lp.archiveOn;
  return [
    `change archive — ${r.setup.pipes} pipes in the bucket (history ${r.setup.history}); ${count(r.setup.seeded.count)} records published straight to ${STREAM} ` +
      `(${r.setup.seeded.keys} keys, ${Math.round(r.setup.seeded.meanRecordBytes)} B each, ${Math.round(r.setup.seeded.publishMs)} ms at ${SEED_IN_FLIGHT} in flight); ` +
      `${r.setup.deepKey.key}: ${r.setup.deepKey.revisions} revisions through the console's PUT in ${Math.round(r.setup.deepKey.ms)} ms`,
    '',
    liveTable,
    '',
    `goal the archive adds ≤ ${GOAL_ADDED_P50 * 100} % at p50: ${ok(lp.meetsGoal)} (${lp.addedP50 >= 0 ? '+' : ''}${(lp.addedP50 * 100).toFixed(1)} %)`,
    `archive on: ${on.everyPutArchived ? 'every probe put recorded' : 'NOT every probe put recorded'} (records per round ${on.archivedPerRound.join(', ')}, ` +
      `expected ${on.expectedPerRound}); missing events: off ${lp.archiveOff.missing.length}, on ${on.missing.length}`,
    '',
    pageTable,
    '',
    `sequential GETs on 127.0.0.1 after ${WARMUP_REQUESTS} warm-up, body read; archive = records in ${STREAM} when measured (small: the bucket's own revisions, then the deep key's too)`,
    `raw (nats.js, each record parsed): 1 consumer = one ordered consumer from the first record's sequence (the newest ${PAGE_LIMIT} after a stream info; the key's through its subject filter); ` +
      `subjects = one stream info listing the key's subjects (each names its revision), then the page's records by subject, all at once`,
    `goal first page ≤ ${GOAL_PAGE_MS} ms, large archive: changes p50 ${ok(c.meetsGoal.p50)} (${f(c.largeArchive.ms.median)} ms), p95 ${ok(c.meetsGoal.p95)} (${f(c.largeArchive.ms.p95)} ms); ` +
      `history of the deep key p50 ${ok(h.meetsGoal.p50)} (${f(h.deep.largeArchive.history.ms.median)} ms), p95 ${ok(h.meetsGoal.p95)} (${f(h.deep.largeArchive.history.ms.p95)} ms)`,
    '',
    memTable,
    '',
    `first pages served before the second figure: ${REQUESTS + WARMUP_REQUESTS} of changes and ${REQUESTS + WARMUP_REQUESTS} of a 1-revision history each ` +
      `(console CPU for them: small ${Math.round(m.smallArchive.pagesCpuMs)} ms, large ${Math.round(m.largeArchive.pagesCpuMs)} ms)`,
    `goal no RSS growth with the archive's size (within ${RSS_NOISE_MIB} MiB): ${ok(m.meetsGoal)} (ready ${signedMib(m.differenceKiB.readyKiB)}, after the pages ${signedMib(m.differenceKiB.afterPagesKiB)})`,
    `console ready (lists the bucket) after ${Math.round(r.startup.smallArchiveReadyMs)} ms with the small archive, ${Math.round(r.startup.largeArchiveReadyMs)} ms with the large one`,
    '',
    feedTable,
    '',
    `rows: ${ROW_SELECTOR}; times from just before page.goto() to the in-page MutationObserver seeing the rows; its GET /api/changes: the resource timing's duration`,
    ...(missedRows.length
      ? [`NOT ALL ROWS SEEN in some openings: ${missedRows.map((s) => `${count(s.records)}: ${s.rowsSeen.join('/')}`).join('; ')}`]
      : []),
    `clock offset tab − bench: ${f(fl.largeArchive.clock?.offsetMs)} ms (rtt ${f(fl.largeArchive.clock?.rttMs)} ms)`,
    `machine: ${r.machine.cpus} CPUs, Chromium ${r.machine.chromium}, load average ${r.machine.loadavgBefore.join(' ')} at start, ${r.machine.loadavgAfter.join(' ')} at end; run took ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.serverWarnings.length ? [`console logged ${r.serverWarnings.length} warning/error line(s); see serverWarnings in the JSON`] : []),
  ].join('\n');
}

/** @param {number} kib */
const signedMib = (kib) => `${kib >= 0 ? '+' : '−'}${mib(Math.abs(kib))}`;
