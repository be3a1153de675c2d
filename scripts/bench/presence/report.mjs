// What the presence benchmark reports: the idle and loaded windows and the probes summed up into
// the results JSON, each figure with the floor it is set against, and the tables printed under them.
import { rounded, summarize } from '../lib/stats.mjs';
import { formatTable, mib } from '../lib/table.mjs';
import {
  BUCKET,
  COALESCE_MS,
  IDLE_MS,
  INTERVAL_MS,
  PRESENCE_SUBJECT,
  PROBE_GAP_MS,
  RAW_PER_PROBE,
  SSE_CLIENTS,
  TAB_BEHAVIOUR,
  WARMUP_MS,
} from './plan.mjs';
import { framesBetween } from './measure.mjs';

const NAMES = ['A', 'B'];
/** The most presence events a client may get a second: one per coalescing window. */
const EVENTS_CAP_PER_S = 1_000 / COALESCE_MS;

/** @typedef {ReturnType<typeof summarize>} Summary */
/** @typedef {import('../presence.mjs').PresenceSample} Sample */
/** @typedef {import('./measure.mjs').Frame} Frame */
/**
 * @typedef {{ counters: { posts: number, resent: number, byKind: Record<string, number>, byStatus: Record<string, number>, acceptedByConsole: number[] },
 *   lastError?: string, roundTripMs?: Summary, latenessMs?: Summary, eventLoopDelayMs: { p50: number, p99: number, max: number },
 *   showing: { tabsOnAPipe: number, entries: number, editing: number } }} TabsMark
 */
/**
 * @typedef {{ startedAt: string, durationMs: number, machine: { node: string, cpus: number, loadavgBefore: number[], loadavgAfter: number[] },
 *   build: { id: string, builtAt: string }, tabs: number, users: number, pipes: number, probes: number, consolePids: number[],
 *   announcedIntervalMs: (number | undefined)[], idle: { from: Sample, to: Sample }, load: { from: Sample, to: Sample },
 *   watchers: { frames: Frame[], counts: Record<string, number> }[][], lastFrames: (Frame | undefined)[][],
 *   tabsProcess: { signInMs: number, ready: TabsMark & { openMs: number }, from: TabsMark, to: TabsMark, summary: TabsMark & { cpuMs: { user: number, system: number } } },
 *   requestFloor: { ms: number, perConsole: number[], byStatus: Record<string, number>, roundTripMs?: Summary, from: Sample, to: Sample },
 *   probeRuns: { key: string, status: number, postMs: number, onA: (number | undefined)[], onB: (number | undefined)[] }[],
 *   probePosts: number, rawPings: (number | undefined)[], streamsEnded: number, serverWarnings: { console: string, at: number, text: string }[] }} Run
 */

/**
 * The results JSON (rounded) and the printed report, from everything the run collected.
 * @param {Run} run
 */
export function summariseRun(run) {
  const r = results(run);
  return { results: rounded(r, 2), report: report(r) };
}

/** @param {number[]} values  @returns {Summary | undefined} */
const brief = (values) => {
  if (values.length === 0) return undefined;
  const s = summarize(values);
  delete s.runs;
  return s;
};

/** @param {Record<string, number>} to  @param {Record<string, number>} from */
const delta = (to, from) => Object.fromEntries(Object.entries(to).map(([k, v]) => [k, v - (from[k] ?? 0)]));

/**
 * The figures of one window: per console, nats-server, the presence subject, every SSE client.
 * @param {Run} run
 * @param {{ from: Sample, to: Sample }} window
 */
function windowFigures(run, { from, to }) {
  const seconds = (to.at - from.at) / 1000;
  const perS = (/** @type {number} */ n) => n / seconds;
  const bySender = delta(to.subject.bySender, from.subject.bySender);
  /** @param {number} pid  the sender's instance name is host:pid:random */
  const sentBy = (pid) =>
    Object.entries(bySender)
      .filter(([sender]) => sender.split(':').at(-2) === String(pid))
      .reduce((sum, [, n]) => sum + n, 0);
  return {
    seconds,
    consoles: to.consoles.map((c, i) => ({
      name: NAMES[i],
      cpuMsPerS: perS(c.cpuMs - from.consoles[i].cpuMs),
      rssKiB: c.rssKiB,
      hwmKiB: c.hwmKiB,
      sockets: c.sockets,
      subjectMessagesSentPerS: perS(sentBy(run.consolePids[i])),
    })),
    natsServerCpuMsPerS: perS(to.natsCpuMs - from.natsCpuMs),
    benchProcessCpuMsPerS: perS(to.benchCpuMs - from.benchCpuMs),
    tabsProcess:
      to.tabs && from.tabs
        ? { cpuMsPerS: perS(to.tabs.cpuMs - from.tabs.cpuMs), rssKiB: to.tabs.rssKiB, sockets: to.tabs.sockets }
        : undefined,
    subject: {
      messagesPerS: perS(to.subject.messages - from.subject.messages),
      bytesPerS: perS(to.subject.bytes - from.subject.bytes),
      byType: delta(to.subject.byType, from.subject.byType),
    },
    clients: run.watchers.map((list, i) =>
      list.map((w, j) => {
        const f = framesBetween(w.frames, from.at, to.at);
        return {
          name: `${NAMES[i]} #${j + 1}`,
          eventsPerS: perS(f.events),
          bytesPerS: perS(f.bytes),
          events: f.events,
          gapMs: brief(f.gapsMs),
          entriesPerEvent: brief(f.entries),
          bytesPerEvent: f.events ? f.bytes / f.events : undefined,
        };
      }),
    ),
  };
}

/** @param {Run} run */
function results(run) {
  const idle = windowFigures(run, run.idle);
  const load = windowFigures(run, run.load);
  const t = run.tabsProcess;
  const seconds = load.seconds;
  const posts = t.to.counters.posts - t.from.counters.posts;
  const accepted = t.to.counters.acceptedByConsole.map((n, i) => n - t.from.counters.acceptedByConsole[i]);
  const probeAccepted = run.probeRuns.filter((p) => p.status === 204).length;
  const acceptedPerS = (accepted.reduce((a, b) => a + b, 0) + probeAccepted) / seconds;
  const addedCpuMsPerS = load.consoles.reduce((sum, c, i) => sum + c.cpuMsPerS - idle.consoles[i].cpuMsPerS, 0);
  const rf = run.requestFloor;
  const rfSeconds = (rf.to.at - rf.from.at) / 1000;
  const idleCpuMsPerS = idle.consoles.reduce((sum, c) => sum + c.cpuMsPerS, 0);
  const rfCpuMs = rf.to.consoles.reduce((sum, c, i) => sum + c.cpuMs - rf.from.consoles[i].cpuMs, 0) - idleCpuMsPerS * rfSeconds;
  const rfCount = rf.perConsole.reduce((a, b) => a + b, 0);
  const requestFloorCpuMs = rfCpuMs / rfCount;

  /** @param {(number | undefined)[]} list */
  const known = (list) => /** @type {number[]} */ (list.filter((v) => v !== undefined));
  const everyB = run.probeRuns.filter((p) => p.onB.every((v) => v !== undefined));
  const raw = brief(known(run.rawPings));
  const bFirst = brief(known(run.probeRuns.map((p) => (known(p.onB).length ? Math.min(...known(p.onB)) : undefined))));
  const bLast = brief(everyB.map((p) => Math.max(...known(p.onB))));
  const aFirst = brief(known(run.probeRuns.map((p) => (known(p.onA).length ? Math.min(...known(p.onA)) : undefined))));
  const postMs = brief(run.probeRuns.map((p) => p.postMs));
  // One event per window at most: a window of n seconds holds up to 4n + 1 of them.
  const eventsCap = load.clients.flat().every((c) => c.events <= load.seconds * EVENTS_CAP_PER_S + 1);
  const lastEntries = run.lastFrames.map((list) => list.map((f) => f?.entries));

  return {
    benchmark: 'presence',
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    machine: run.machine,
    setup: {
      bucket: BUCKET,
      pipes: run.pipes,
      tabs: run.tabs,
      users: run.users,
      consoles: NAMES.length,
      presenceIntervalMs: INTERVAL_MS,
      announcedIntervalMs: [...new Set(run.announcedIntervalMs)],
      coalesceMs: COALESCE_MS,
      sseClientsPerConsole: SSE_CLIENTS,
      subject: PRESENCE_SUBJECT,
      idleMs: IDLE_MS,
      warmupMs: WARMUP_MS,
      probes: run.probes,
      probeGapMs: PROBE_GAP_MS,
      rawPingsPerProbe: RAW_PER_PROBE,
      tabBehaviour: TAB_BEHAVIOUR,
      build: run.build,
      clock:
        'performance.timeOrigin + performance.now(); probe t0 just before its POST, sightings when the chunk completing the event arrived',
    },
    idle,
    load,
    loadOverIdle: {
      consoleCpu: load.consoles.map((c, i) => c.cpuMsPerS / idle.consoles[i].cpuMsPerS),
      consoleRss: load.consoles.map((c, i) => c.rssKiB / idle.consoles[i].rssKiB),
      natsServerCpu: load.natsServerCpuMsPerS / idle.natsServerCpuMsPerS,
    },
    posts: {
      perS: posts / seconds,
      byKindPerS: Object.fromEntries(Object.entries(delta(t.to.counters.byKind, t.from.counters.byKind)).map(([k, n]) => [k, n / seconds])),
      byStatus: delta(t.to.counters.byStatus, t.from.counters.byStatus),
      resentAfterReset: t.to.counters.resent - t.from.counters.resent,
      acceptedPerSByConsole: accepted.map((n, i) => (n + (i === 0 ? probeAccepted : 0)) / seconds),
      acceptedPerS,
      subjectMessagesPerAcceptedPost: load.subject.messagesPerS / acceptedPerS,
      addedConsoleCpuMsPerAcceptedPost: addedCpuMsPerS / acceptedPerS,
      ratioToRequestFloor: addedCpuMsPerS / acceptedPerS / requestFloorCpuMs,
      roundTripMs: t.to.roundTripMs,
      latenessMs: t.to.latenessMs,
      eventLoopDelayMs: t.to.eventLoopDelayMs,
      lastError: t.to.lastError,
    },
    requestFloor: {
      request: 'GET /api/session with the session cookie (the same check as a post, a handler that does nothing), back to back',
      requests: rfCount,
      byStatus: rf.byStatus,
      perS: rfCount / rfSeconds,
      consoleCpuMsPerRequest: requestFloorCpuMs,
      roundTripMs: rf.roundTripMs,
    },
    coalescing: { capPerS: EVENTS_CAP_PER_S, withinCap: eventsCap },
    propagation: {
      rawFloorMs: raw,
      probePostMs: postMs,
      localFirstClientMs: aFirst,
      remoteFirstClientMs: bFirst,
      remoteLastClientMs: bLast,
      ratioP50ToRaw: bFirst && raw ? bFirst.median / raw.median : undefined,
      ratioP99ToRaw: bFirst && raw ? bFirst.p99 / raw.p99 : undefined,
      addedOverRawMs: bFirst && raw ? { p50: bFirst.median - raw.median, p99: bFirst.p99 - raw.p99 } : undefined,
      expectedBoundMs: raw && postMs ? COALESCE_MS + raw.p99 + postMs.p99 : undefined,
      probesListedByEveryRemoteClient: everyB.length,
      rawPingsLost: run.rawPings.length - known(run.rawPings).length,
      runs: run.probeRuns,
    },
    consistency: {
      lastEventEntries: lastEntries,
      tabsShowing: t.to.showing,
      note: 'tabs showing: entries the tabs fold into when the load ended, plus 1 for the probe tab; moves in flight make a few differ',
    },
    tabsProcess: {
      signInMs: t.signInMs,
      firstPostsMs: t.ready.openMs,
      cpuMs: t.summary.cpuMs,
      ...load.tabsProcess,
    },
    streamsEnded: run.streamsEnded,
    serverWarnings: run.serverWarnings,
  };
}

/** @param {number | undefined} v */
const f = (v) => (v === undefined || Number.isNaN(v) ? '–' : Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(1));
/** @param {number | undefined} v */
const x = (v) => (v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(v < 10 ? 2 : 0)}×`);
/** @param {number | undefined} b */
const kib = (b) => (b === undefined ? '–' : `${(b / 1024).toFixed(1)} KiB`);
const ok = (/** @type {boolean} */ b) => (b ? 'met' : 'MISSED');

/** @param {ReturnType<typeof results>} r */
function report(r) {
  const { idle, load, posts: p, propagation: pr } = r;
  const loadTable = formatTable(
    ['figure', `idle, no tabs (floor)`, `${r.setup.tabs} tabs`, 'load ÷ idle'],
    [
      ...load.consoles.flatMap((c, i) => {
        const i0 = idle.consoles[i];
        return [
          [`console ${c.name}: CPU ms per s`, f(i0.cpuMsPerS), f(c.cpuMsPerS), x(c.cpuMsPerS / i0.cpuMsPerS)],
          [
            `console ${c.name}: RSS (peak)`,
            `${mib(i0.rssKiB)} (${mib(i0.hwmKiB)})`,
            `${mib(c.rssKiB)} (${mib(c.hwmKiB)})`,
            x(c.rssKiB / i0.rssKiB),
          ],
          [`console ${c.name}: posts accepted per s`, '0', f(p.acceptedPerSByConsole[i]), ''],
          [`console ${c.name}: subject messages sent per s`, f(i0.subjectMessagesSentPerS), f(c.subjectMessagesSentPerS), ''],
        ];
      }),
      ['nats-server: CPU ms per s', f(idle.natsServerCpuMsPerS), f(load.natsServerCpuMsPerS), x(r.loadOverIdle.natsServerCpu)],
      [`${PRESENCE_SUBJECT}: messages per s`, f(idle.subject.messagesPerS), f(load.subject.messagesPerS), ''],
      [`${PRESENCE_SUBJECT}: bytes per s`, kib(idle.subject.bytesPerS), kib(load.subject.bytesPerS), ''],
    ],
  );
  const clientRows = load.clients.flat().map((c, k) => {
    const c0 = idle.clients.flat()[k];
    return [
      c.name,
      f(c0.eventsPerS),
      f(c.eventsPerS),
      x(c.eventsPerS / EVENTS_CAP_PER_S),
      kib(c0.bytesPerS),
      kib(c.bytesPerS),
      f(c.gapMs?.min),
      f(c.gapMs?.median),
      f(c.entriesPerEvent?.median),
      kib(c.bytesPerEvent),
    ];
  });
  const clientTable = formatTable(
    [
      'SSE client',
      'events/s idle',
      'events/s load',
      `÷ cap ${EVENTS_CAP_PER_S}/s`,
      'bytes/s idle',
      'bytes/s load',
      'min gap ms',
      'p50 gap ms',
      'entries/event p50',
      'bytes/event',
    ],
    clientRows,
  );
  const raw = pr.rawFloorMs;
  /** @param {string} label  @param {Summary | undefined} s */
  const row = (label, s) =>
    s
      ? [label, s.n, f(s.median), f(s.p99), f(s.max), f(s.min), raw ? x(s.median / raw.median) : '–', raw ? x(s.p99 / raw.p99) : '–']
      : [label, 0, '–', '–', '–', '–', '–', '–'];
  const propagationTable = formatTable(
    ['probe tab on A opens a new key → (ms)', 'N', 'p50', 'p99', 'max', 'min', 'p50 ÷ raw', 'p99 ÷ raw'],
    [
      row('raw nats.js publish → subscribe (floor)', raw),
      row("the probe's POST answered (A)", pr.probePostMs),
      row("listed by A's first SSE client (local)", pr.localFirstClientMs),
      row("listed by B's first SSE client", pr.remoteFirstClientMs),
      row(`listed by B's last of ${SSE_CLIENTS} SSE clients`, pr.remoteLastClientMs),
    ],
  );
  const statuses = Object.entries(p.byStatus)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  const kinds = Object.entries(p.byKindPerS)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${f(n)}`)
    .join(', ');
  const tp = r.tabsProcess;
  const b = r.setup.tabBehaviour;
  const m = r.machine;
  return [
    `presence — consoles A and B (server.mjs) on one nats-server, PIPES_PRESENCE_INTERVAL_MS=${r.setup.presenceIntervalMs} ` +
      `(announced in the presence event: ${r.setup.announcedIntervalMs.join(', ')}); ${r.setup.tabs} tabs of ${r.setup.users} users ` +
      `(every ${b.viewerEvery}th a viewer) over ${r.setup.pipes} pipes, half on each console, in a separate process; ${SSE_CLIENTS} SSE clients per console`,
    `tabs: heartbeat every interval after their last post, move every ${b.moveMs[0] / 1000}–${b.moveMs[1] / 1000} s, ${b.goodbyeChance * 100} % of moves a goodbye ` +
      `(back after ${b.awayMs[0] / 1000}–${b.awayMs[1] / 1000} s), editing toggled on ${b.toggleChance * 100} % of heartbeats; ` +
      `idle window ${f(idle.seconds)} s, load window ${f(load.seconds)} s after ${r.setup.warmupMs / 1000} s of warm-up`,
    '',
    loadTable,
    '',
    `posts: ${f(p.perS)} per s (${kinds}); answers ${statuses} (${p.resentAfterReset} sent again after a reset on a kept-alive connection); round trip p50 ${f(p.roundTripMs?.median)} ms, p99 ${f(p.roundTripMs?.p99)} ms`,
    `subject messages per accepted post (one each is the floor of sharing every report): ${x(p.subjectMessagesPerAcceptedPost)} ` +
      `(${f(load.subject.messagesPerS)} per s against ${f(p.acceptedPerS)} accepted posts per s, the probe's included; by type ${JSON.stringify(load.subject.byType)})`,
    `console CPU added by the load, A + B: ${f(p.addedConsoleCpuMsPerAcceptedPost)} ms per accepted post (each console also applies the other's messages) = ` +
      `${x(p.ratioToRequestFloor)} the ${f(r.requestFloor.consoleCpuMsPerRequest)} ms a trivial request costs the console (${r.requestFloor.requests} GET /api/session ` +
      `with the session cookie, ${f(r.requestFloor.perS)} per s back to back, idle CPU taken off; answers ${JSON.stringify(r.requestFloor.byStatus)})`,
    ...(p.lastError ? [`last failed post: ${p.lastError}`] : []),
    '',
    clientTable,
    '',
    'gaps are between arrivals at the client: a frame that reaches it late makes the gap after it short',
    `goal ≤ ${EVENTS_CAP_PER_S} presence events per s per client (coalesced: ≤ 1 per ${COALESCE_MS} ms, so ≤ ${EVENTS_CAP_PER_S} × ${f(load.seconds)} s + 1 in the window): ${ok(r.coalescing.withinCap)}; ` +
      `entries in the last event: A ${r.consistency.lastEventEntries[0].join('/')}, B ${r.consistency.lastEventEntries[1].join('/')}; ` +
      `the tabs then folded into ${r.consistency.tabsShowing.entries} entries (+1 probe; ${r.consistency.tabsShowing.tabsOnAPipe} tabs on a pipe, ${r.consistency.tabsShowing.editing} editing)`,
    '',
    propagationTable,
    '',
    `added over the raw floor, B's first client: p50 +${f(pr.addedOverRawMs?.p50)} ms, p99 +${f(pr.addedOverRawMs?.p99)} ms; ` +
      `coalescing window ${COALESCE_MS} ms = the upper bound of the wait the console adds, on top of the POST's handling ` +
      `(expected p99 ≤ ${COALESCE_MS} + raw p99 + POST p99 = ${f(pr.expectedBoundMs)} ms: ${pr.remoteFirstClientMs && pr.expectedBoundMs && pr.remoteFirstClientMs.p99 <= pr.expectedBoundMs ? 'within' : 'NOT within'})`,
    `probes listed by every client of B: ${pr.probesListedByEveryRemoteClient} of ${r.setup.probes}; raw pings lost: ${pr.rawPingsLost}; ` +
      `probes ${r.setup.probeGapMs[0]}–${r.setup.probeGapMs[1]} ms apart, ${r.setup.rawPingsPerProbe} raw pings after each`,
    '',
    `tabs process: ${r.setup.users} users signed in in ${Math.round(tp.signInMs)} ms, every tab's first post within ${Math.round(tp.firstPostsMs)} ms; ` +
      `during the load CPU ${f(tp.cpuMsPerS)} ms per s, ${tp.sockets} sockets (keep-alive), RSS ${mib(tp.rssKiB)}; ` +
      `posts late on their schedule p50 ${f(p.latenessMs?.median)} ms, p99 ${f(p.latenessMs?.p99)} ms; event-loop delay p99 ${f(p.eventLoopDelayMs.p99)} ms`,
    `bench process (SSE clients, probes, raw NATS): CPU ${f(load.benchProcessCpuMsPerS)} ms per s during the load`,
    ...(r.streamsEnded ? [`${r.streamsEnded} SSE stream(s) ENDED during the run`] : []),
    `machine: ${m.cpus} CPUs, load average ${m.loadavgBefore.join(' ')} at start, ${m.loadavgAfter.join(' ')} at end; run took ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.serverWarnings.length
      ? [`consoles logged ${r.serverWarnings.length} warning/error line(s); see serverWarnings in the JSON`]
      : []),
  ].join('\n');
}
