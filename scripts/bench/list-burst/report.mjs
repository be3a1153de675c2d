// What list-burst reports: the bursts summed up into the results JSON (medians over the counted
// bursts, the warm-up and traced ones apart) and the table and lines printed under it.
import { rounded, summarize } from '../lib/stats.mjs';
import { formatTable } from '../lib/table.mjs';
import { BUCKET, BURST_TIMEOUT_MS, HISTORY, IN_FLIGHT, MARKER_KEY, TAIL_MS, VIEWPORT, WARMUP_BURSTS } from './setup.mjs';

/** @typedef {import('./measure.mjs').Burst} Burst */
/** @typedef {import('./measure.mjs').RawBurst} RawBurst */
/** @typedef {import('./measure.mjs').TabBurst} TabBurst */
/** @typedef {ReturnType<typeof summarize>} Summary */
/** @typedef {Awaited<ReturnType<typeof import('./setup.mjs').roles>>} Roles */
/** @typedef {Record<'leader' | 'follower', import('./measure.mjs').Heap>} Heaps */

/**
 * The results JSON (rounded) and the printed report, from everything the run collected.
 * @param {Run} run
 */
export function summariseRun(run) {
  const r = results(run);
  return { results: rounded(r, 1), report: report(r), rows: rows(r) };
}

/**
 * @typedef {{ startedAt: string, durationMs: number, machine: { node: string, cpus: number, chromium: string, loadavgBefore: number[], loadavgAfter: number[] },
 *   pipes: number, puts: number, runs: number, rolesBefore: Roles, rolesAfter: Roles, rendererProcesses: number,
 *   setupChecks: Awaited<ReturnType<typeof import('./setup.mjs').setupChecks>>, build: { id: string, builtAt: string },
 *   raw: RawBurst[], bursts: Burst[], heapAfterLoad: Heaps, heapAfterBursts: Heaps,
 *   clock: Record<'leader' | 'follower', import('../lib/browser.mjs').ClockOffset>, traceFile: string | undefined,
 *   serverWarnings: { at: number, text: string }[] }} Run
 */

/** @param {Run} run */
function results(run) {
  const { raw, bursts, puts, heapAfterLoad, heapAfterBursts, clock, traceFile } = run;
  const counted = bursts.filter((b) => !b.warmUp && !b.traced);
  const rawCounted = raw.filter((b) => !b.warmUp);
  /**
   * @template T
   * @param {T[]} list
   * @param {(item: T) => number | undefined} fn
   * @returns {Summary | undefined} undefined when any burst lacks the figure
   */
  const pick = (list, fn) => {
    const values = list.map(fn);
    return values.some((v) => v === undefined) ? undefined : summarize(/** @type {number[]} */ (values));
  };
  /** @param {'leader' | 'follower'} role */
  const missed = (role) => counted.filter((b) => b[role].inDomMs === undefined).map((b) => b.n);
  /** @param {'leader' | 'follower'} role */
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
  const tracedBurst = traceFile ? bursts.at(-1) : undefined;
  return {
    benchmark: 'list-burst',
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    machine: run.machine,
    setup: {
      pipes: run.pipes,
      bucket: BUCKET,
      history: HISTORY,
      puts,
      burst: `${puts - 1} description changes to keys spread over the bucket, ${IN_FLIGHT} in flight, then once all are acknowledged the marker ${MARKER_KEY} (first row)`,
      runs: run.runs,
      warmUpBursts: WARMUP_BURSTS,
      pauseAfterBurstMs: TAIL_MS,
      browser: `headless Chromium, one context (Desktop Chrome, ${VIEWPORT.width}×${VIEWPORT.height}), two tabs of / in two windows`,
      rolesBefore: run.rolesBefore,
      rolesAfter: run.rolesAfter,
      rendererProcesses: run.rendererProcesses,
      ...run.setupChecks,
      clock: 'performance.timeOrigin + performance.now() in the bench process and in each tab; t0 just before the first kv.put()',
      build: run.build,
    },
    rawFloor: {
      note: 'plain nats.js KV watch (updates only, own connection), console and browser not running',
      firstPutToLastEntryMs: pick(rawCounted, (b) => b.wholeBurstMs),
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
    ...(tracedBurst ? { tracedBurst: { trace: traceFile, ...stripFrames(tracedBurst) } } : {}),
    bursts: counted.map(stripFrames),
    rawBursts: rawCounted,
    serverWarnings: run.serverWarnings,
  };
}

/**
 * Script time in long animation frames by what invoked it, summed over bursts, largest first.
 * @param {import('./page-probe.d.mts').LongFrame[]} frames
 */
function attribution(frames) {
  /** @type {Map<string, { invoker: string, ms: number, count: number, maxMs: number, forcedStyleAndLayoutMs: number }>} */
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
 * A burst for the JSON: the long-animation-frame detail is summed up in `attribution`.
 * @param {Burst} b
 */
function stripFrames(b) {
  /** @param {TabBurst} t */
  const tab = (t) => ({
    ...t,
    duringBurst: { count: t.duringBurst.count, maxMs: t.duringBurst.maxMs, sumMs: t.duringBurst.sumMs },
    afterBurst: { count: t.afterBurst.count, maxMs: t.afterBurst.maxMs, sumMs: t.afterBurst.sumMs },
  });
  return { ...b, leader: tab(b.leader), follower: tab(b.follower) };
}

/** @param {number | undefined} v */
const f = (v) => (v === undefined || Number.isNaN(v) ? '–' : v < 10 && !Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v)));
/** @param {number | undefined} v */
const x = (v) => (v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(1)}×`);

const LONG_TASK_GOAL_MS = 50;

/**
 * The row of the one table (lib/summary.mjs): the longest task in either tab over every burst.
 * @param {ReturnType<typeof results>} r
 * @returns {import('../lib/summary.mjs').SummaryRow[]}
 */
function rows(r) {
  const longest = (/** @type {ReturnType<typeof results>['leader']} */ t) =>
    Math.max(t.longTasksDuringBurst.maxMs?.max ?? 0, t.longTasksAfterBurst.maxMs?.max ?? 0);
  const [leader, follower] = [longest(r.leader), longest(r.follower)];
  const inDom = (/** @type {ReturnType<typeof results>['leader']} */ t) => f(t.firstPutToInDomMs?.median);
  const longTask = (/** @type {number} */ maxMs) => (maxMs === 0 ? 'none' : `${f(maxMs)} ms`);
  return [
    {
      figure: `a ${r.setup.puts}-edit burst in two tabs, ${r.setup.pipes.toLocaleString('en')} pipes: longest task, leader / follower`,
      // The Long Tasks API reports only tasks over 50 ms: 0 is none at all.
      measured: `${longTask(leader)} / ${longTask(follower)} (burst on screen ${inDom(r.leader)} / ${inDom(r.follower)} ms)`,
      floor: `the raw KV watch has the burst in ${f(r.rawFloor.firstPutToLastEntryMs?.median)} ms`,
      ratio: '–',
      goal: `no task over ${LONG_TASK_GOAL_MS} ms`,
      met: leader <= LONG_TASK_GOAL_MS && follower <= LONG_TASK_GOAL_MS,
    },
  ];
}

/** @param {ReturnType<typeof results>} r */
function report(r) {
  const raw = r.rawFloor.firstPutToLastEntryMs;
  const none = ['–', '–', '–'];
  /** @param {{ maxMs?: Summary, sumMs?: Summary, count?: Summary }} t */
  const tasks = (t) => [f(t.maxMs?.median), f(t.sumMs?.median), f(t.count?.median)];
  /** @param {string} label  @param {Summary | undefined} s  @param {Summary | undefined} [ack] */
  const row = (label, s, ack, long = none) => [
    label,
    f(s?.median),
    f(s?.max),
    x(s && raw ? s.median / raw.median : undefined),
    f(ack?.median),
    ...long,
  ];
  /** @param {string} label  @param {ReturnType<typeof results>['leader']} t the tab's two rows */
  const tabRows = (label, t) => [
    row(label, t.firstPutToInDomMs, t.markerAckedToInDomMs, tasks(t.longTasksDuringBurst)),
    row('  … and the next frame', t.firstPutToNextFrameMs),
  ];
  const table = formatTable(
    [`first put → whole burst (ms), N=${r.setup.runs}`, 'median', 'max', '÷ raw', 'after ack', 'long task max', 'sum', 'count'],
    [
      row('raw KV watch (floor; console not running)', raw, r.rawFloor.markerAckedToLastEntryMs),
      row('raw KV watch, beside console + browser', r.rawBesideBrowser.firstPutToLastEntryMs, r.rawBesideBrowser.markerAckedToLastEntryMs),
      ...tabRows('leader tab (EventSource): marker in DOM', r.leader),
      ...tabRows('follower tab (BroadcastChannel): in DOM', r.follower),
    ],
  );
  /** @typedef {ReturnType<typeof results>['leader']} TabResults */
  /** @param {TabResults} t */
  const after = (t) =>
    `${f(t.longTasksAfterBurst.count?.median)} long tasks, sum ${f(t.longTasksAfterBurst.sumMs?.median)} ms, max ${f(t.longTasksAfterBurst.maxMs?.median)} ms`;
  /** @param {TabResults} t */
  const attr = (t) => {
    const a = t.attribution;
    if (a.frames === 0) return 'no long animation frame';
    const top = a.scripts.slice(0, 4).map((s) => `${s.invoker} ${f(s.ms)} ms (${s.count}×, max ${f(s.maxMs)})`);
    return `${a.frames} long frames, ${f(a.frameMs)} ms, of it rendering (style, layout, paint) ${f(a.renderMs)} ms; scripts ≥ 5 ms: ${top.join('; ') || 'none'}`;
  };
  /** @param {TabResults} t */
  const heap = (t) => `${f(t.heapAfterLoad.usedMiB)} → ${f(t.heapAfterBursts.usedMiB)} MiB`;
  const missed = /** @type {const} */ (['leader', 'follower']).filter((role) => r[role].burstsNotSeenWithin.bursts.length);
  const w = r.warmUp.browser[0];
  const c = r.cpuMsPerBurst;
  return [
    `list burst — ${r.setup.pipes} pipes, bursts of ${r.setup.puts} puts (${r.setup.puts - 1} spread keys, ${r.setup.burst.match(/\d+ in flight/)?.[0]}, then the marker row last), ` +
      `N=${r.setup.runs} bursts after ${r.setup.warmUpBursts} warm-up, one Chromium context with 2 tabs of / (a window each)`,
    '',
    table,
    '',
    "÷ raw: median ÷ the floor's median. after ack: median time from the marker put's acknowledgement (the writer done) to the same point.",
    "long tasks (medians of the bursts' max, sum, count): those that started between the first put and the marker in that tab's DOM; " +
      `worst burst: leader ${f(r.leader.longTasksDuringBurst.maxMs?.max)} ms, follower ${f(r.follower.longTasksDuringBurst.maxMs?.max)} ms.`,
    `writer: first put → marker acknowledged, median ${f(r.rawFloor.writtenMs?.median)} ms alone, ${f(r.writer.firstPutToMarkerAckedMs?.median)} ms beside console + browser ` +
      `(same machine, ${r.machine.cpus} CPUs: the burst is spread over that long); every entry reached the raw watch: ${r.rawFloor.allReceived && r.rawBesideBrowser.allReceived ? 'yes' : 'NO'}`,
    ...(missed.length
      ? [
          `NOT SEEN within ${BURST_TIMEOUT_MS / 1000} s: ${missed.map((role) => `${role} bursts ${r[role].burstsNotSeenWithin.bursts.join(', ')}`).join('; ')}`,
        ]
      : []),
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
