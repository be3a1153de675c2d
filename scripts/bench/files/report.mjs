// What the files benchmark reports: every command's runs summed up (median, range) beside the
// floor measured in the same run, the import's time split between the CLI, the console and
// nats-server, and one printed table of figure, value, floor, ratio, goal and verdict.
import { rounded, summarize } from '../lib/stats.mjs';
import { formatTable, mib } from '../lib/table.mjs';
import { BUCKET, HISTORY } from './setup.mjs';
import { WRITES_IN_FLIGHT } from '../../../lib/files/apply.mjs';

const EXPORT_GOAL_MS = 2_000;
const IMPORT_GOAL_MS = 30_000;

/** @typedef {import('./measure.mjs').CommandRun} CommandRun */
/** @typedef {import('../files.mjs').Round} Round */
/** @typedef {import('../files.mjs').Sample} Sample */
/** @typedef {import('../files.mjs').Writes} Writes */
/** @typedef {import('../files.mjs').Exports} Exports */
/** @typedef {ReturnType<typeof summarize>} Summary */
/**
 * @typedef {{ startedAt: string, durationMs: number, machine: { node: string, cpus: number, loadavgBefore: number[], loadavgAfter: number[] },
 *   build: { id: string, builtAt: string }, pipes: number, runs: number,
 *   seeded: { seedMs: number, sizes: Record<string, number>, exportBytes: number }, warmUp: CommandRun,
 *   exports: Exports, diffs: Record<'same' | 'sameFloor', CommandRun[]>,
 *   rssBeforeRounds: { rssKiB: number, hwmKiB: number }, rounds: Round[],
 *   creates: { api: Writes & { from: Sample, to: Sample }, imported: CommandRun, progress: { at: number, done: number }[], from: Sample, to: Sample, raw: Writes },
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

/** @param {number[]} values */
const brief = (values) => {
  const s = summarize(values);
  delete s.runs;
  return { ...s, runs: values };
};

/** How a series of runs of one command went: time, peak RSS, CPU. @param {CommandRun[]} runs */
function command(runs) {
  return {
    wallMs: brief(runs.map((r) => r.wallMs)),
    maxRssKiB: brief(runs.map((r) => r.usage.maxRssKiB)),
    cpuMs: brief(runs.map((r) => r.usage.userMs + r.usage.systemMs)),
    bootstrapMs: brief(runs.map((r) => r.usage.bootstrapMs)),
    exitCodes: [...new Set(runs.map((r) => r.code))],
  };
}

/** One run as the JSON keeps it: no output but its size, the last lines of stderr. @param {CommandRun} run */
const kept = ({ args, code, wallMs, usage, stdoutBytes, stderr }) => ({
  args,
  code,
  wallMs,
  usage,
  stdoutBytes,
  stderrLines: stderr.length,
  stderrTail: stderr.slice(-3),
});

/**
 * Where an import's time went, from its progress lines (one every 500 writes or every second):
 * the write rate between the first and the last line, and from it the time before the first
 * write (reading the folder, GET /api/pipes, the plan) and after the last (the report, the sidecar).
 * @param {CommandRun} run
 * @param {{ at: number, done: number }[]} progress
 * @param {number} writes
 */
function phases(run, progress, writes) {
  const first = progress[0];
  const last = progress.at(-1);
  if (!first || !last || last.done === first.done) return { progressLines: progress.length };
  const msPerWrite = (last.at - first.at) / (last.done - first.done);
  const beforeWritesMs = first.at - first.done * msPerWrite;
  const writesMs = writes * msPerWrite;
  const gaps = progress.slice(1).map((p, i) => p.at - progress[i].at);
  return {
    progressLines: progress.length,
    firstLineMs: first.at,
    maxGapBetweenLinesMs: gaps.length ? Math.max(...gaps) : undefined,
    msPerWrite,
    writesPerS: 1_000 / msPerWrite,
    beforeWritesMs,
    writesMs,
    afterWritesMs: run.wallMs - beforeWritesMs - writesMs,
  };
}

/**
 * The CPU each process spent over an import, and the CLI's share of the wall time.
 * @param {CommandRun} run
 * @param {Sample} from
 * @param {Sample} to
 * @param {number} writes
 */
function cpuSplit(run, from, to, writes) {
  const cli = run.usage.userMs + run.usage.systemMs;
  const consoleMs = to.console.cpuMs - from.console.cpuMs;
  const natsMs = to.natsCpuMs - from.natsCpuMs;
  return {
    cliMs: cli,
    consoleMs,
    natsServerMs: natsMs,
    cliShareOfWall: cli / run.wallMs,
    consoleShareOfWall: consoleMs / run.wallMs,
    perWrite: { cliMs: cli / writes, consoleMs: consoleMs / writes, natsServerMs: natsMs / writes },
  };
}

/**
 * CPU per write of the console and nats-server over the API floor's writes.
 * @param {Writes & { from: Sample, to: Sample }} api
 */
const floorCpu = ({ writes, from, to }) => ({
  consoleMsPerWrite: (to.console.cpuMs - from.console.cpuMs) / writes,
  natsServerMsPerWrite: (to.natsCpuMs - from.natsCpuMs) / writes,
});

/** @param {Run} run */
function results(run) {
  const { exports, diffs, rounds, creates, pipes } = run;
  const exportJson = command(exports.json);
  const exportJsonFloor = command(exports.jsonFloor);
  const exportSql = command(exports.sql);
  const exportSqlFloor = command(exports.sqlFloor);
  const rawListing = command(exports.rawListing);
  const diffSame = command(diffs.same);
  const diffSameFloor = command(diffs.sameFloor);
  const diffEdited = command(rounds.map((r) => r.diffEdited));
  const diffEditedFloor = command(rounds.map((r) => r.diffEditedFloor));
  const imports = command(rounds.map((r) => r.imported));
  const apiFloorMs = brief(rounds.map((r) => r.api.totalMs));
  const rawFloorMs = brief(rounds.map((r) => r.raw.totalMs));
  const inFlightMs = brief(rounds.map((r) => r.inFlight.totalMs));
  const importPhases = rounds.map((r) => phases(r.imported, r.progress, pipes));
  const importCpu = rounds.map((r) => cpuSplit(r.imported, r.from, r.to, pipes));
  /** @param {number} value  @param {number} goal  @param {number[]} all */
  const verdict = (value, goal, all) => ({
    goalMs: goal,
    met: value <= goal,
    runsMet: all.filter((v) => v <= goal).length,
    runs: all.length,
  });

  return {
    benchmark: 'files',
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    machine: run.machine,
    setup: {
      pipes,
      runs: run.runs,
      bucket: BUCKET,
      history: HISTORY,
      build: run.build,
      seedMs: run.seeded.seedMs,
      pipeSizes: run.seeded.sizes,
      pipesJsonBytes: run.seeded.exportBytes,
      measured:
        'each command a child process of node (node --import usage-preload.mjs): wall time from spawn to exit in this process; peak RSS ' +
        "(getrusage maxrss) and CPU from the child's own process.resourceUsage() at exit",
      warmUpExportMs: run.warmUp.wallMs,
    },
    export: {
      pipesJson: exportJson,
      floor: { what: 'fresh node: one GET /api/pipes, the five fields written as one JSON file', ...exportJsonFloor },
      rawListing: {
        what: 'fresh node: a nats.js KV watch of the bucket to the end of its replay, every value JSON-decoded',
        ...rawListing,
        inProcessMs: brief(exports.rawListing.map((l) => l.result.readyMs)),
      },
      ratioToFloor: exportJson.wallMs.median / exportJsonFloor.wallMs.median,
      ratioToRawListing: exportJson.wallMs.median / rawListing.wallMs.median,
      goal: verdict(exportJson.wallMs.median, EXPORT_GOAL_MS, exportJson.wallMs.runs),
      sql: exportSql,
      sqlFloor: { what: 'fresh node: one GET /api/pipes, one writeFileSync per .sql file', ...exportSqlFloor },
      sqlRatioToFloor: exportSql.wallMs.median / exportSqlFloor.wallMs.median,
    },
    diff: {
      same: diffSame,
      sameFloor: { what: 'fresh node: one GET /api/pipes, pipes.json read and parsed, each pipe compared as JSON text', ...diffSameFloor },
      sameRatioToFloor: diffSame.wallMs.median / diffSameFloor.wallMs.median,
      edited: { ...diffEdited, stdoutBytes: brief(rounds.map((r) => r.diffEdited.stdoutBytes)) },
      editedFloor: diffEditedFloor,
      editedRatioToFloor: diffEdited.wallMs.median / diffEditedFloor.wallMs.median,
    },
    import: {
      updates: {
        ...imports,
        goal: verdict(imports.wallMs.median, IMPORT_GOAL_MS, imports.wallMs.runs),
        ratioToApiFloor: imports.wallMs.median / apiFloorMs.median,
        ratioToInFlightFloor: imports.wallMs.median / inFlightMs.median,
        phases: importPhases,
        cpu: importCpu,
        consoleRss: rounds.map((r) => ({
          beforeKiB: r.from.console.rssKiB,
          afterKiB: r.to.console.rssKiB,
          afterSettledKiB: r.rssSettled.rssKiB,
        })),
        consoleRssBeforeRoundsKiB: run.rssBeforeRounds.rssKiB,
        consolePeakRssKiB: Math.max(...rounds.map((r) => r.rssSettled.hwmKiB)),
        archiveSettleAfterMs: rounds.map((r) => r.importArchiveSettleMs),
      },
      apiFloor: {
        what: 'sequential PUT /api/pipes/:key with If-Match, one kept-alive node:http connection, in the benchmark process',
        totalMs: apiFloorMs,
        perWriteMs: rounds.map((r) => r.api.perWriteMs),
        cpu: rounds.map((r) => floorCpu(r.api)),
        archiveSettleAfterMs: rounds.map((r) => r.apiArchiveSettleMs),
      },
      rawFloor: {
        what: 'sequential nats.js kv.update(key, value, revision), in the benchmark process',
        totalMs: rawFloorMs,
        perWriteMs: rounds.map((r) => r.raw.perWriteMs),
        archiveSettleAfterMs: rounds.map((r) => r.rawArchiveSettleMs),
      },
      apiFloorRatioToRaw: apiFloorMs.median / rawFloorMs.median,
      inFlightFloor: {
        what: `PUT /api/pipes/:key with If-Match, ${WRITES_IN_FLIGHT} at a time (as the CLI sends them), as many kept-alive node:http connections`,
        totalMs: inFlightMs,
        perWriteMs: rounds.map((r) => r.inFlight.perWriteMs),
        cpu: rounds.map((r) => floorCpu(r.inFlight)),
        archiveSettleAfterMs: rounds.map((r) => r.inFlightArchiveSettleMs),
      },
      creates: {
        import: command([creates.imported]),
        phases: phases(creates.imported, creates.progress, pipes),
        cpu: cpuSplit(creates.imported, creates.from, creates.to, pipes),
        apiFloor: { totalMs: creates.api.totalMs, perWriteMs: creates.api.perWriteMs, cpu: floorCpu(creates.api) },
        rawFloor: { totalMs: creates.raw.totalMs, perWriteMs: creates.raw.perWriteMs },
        ratioToApiFloor: creates.imported.wallMs / creates.api.totalMs,
        apiFloorRatioToRaw: creates.api.totalMs / creates.raw.totalMs,
        consoleRss: { beforeKiB: creates.from.console.rssKiB, afterKiB: creates.to.console.rssKiB },
      },
    },
    runs: {
      warmUp: kept(run.warmUp),
      exportPipesJson: exports.json.map(kept),
      exportFloor: exports.jsonFloor.map(kept),
      exportSql: exports.sql.map(kept),
      exportSqlFloor: exports.sqlFloor.map(kept),
      rawListing: exports.rawListing.map(kept),
      diffSame: diffs.same.map(kept),
      diffSameFloor: diffs.sameFloor.map(kept),
      diffEdited: rounds.map((r) => kept(r.diffEdited)),
      diffEditedFloor: rounds.map((r) => kept(r.diffEditedFloor)),
      importUpdates: rounds.map((r) => ({ ...kept(r.imported), progress: r.progress })),
      importCreates: { ...kept(creates.imported), progress: creates.progress },
      settleBeforeRoundMs: rounds.map((r) => r.settledBeforeMs),
    },
    serverWarnings: run.serverWarnings,
  };
}

/** @param {number | undefined} v */
const t = (v) => (v === undefined || Number.isNaN(v) ? '–' : v >= 1_000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
/** @param {{ min: number, max: number, n: number }} s  @param {(v: number) => string} unit */
const range = (s, unit = t) => {
  if (s.n < 2) return '';
  const [low, high] = [unit(s.min), unit(s.max)];
  const suffix = / [^ ]+$/.exec(high)?.[0];
  return `${suffix && low.endsWith(suffix) ? low.slice(0, -suffix.length) : low}–${high}`;
};
/** @param {number | undefined} v */
const x = (v) => (v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}×`);
/** @param {number} v */
const f2 = (v) => v.toFixed(2);
/** @param {{ goalMs: number, met: boolean, runsMet: number, runs: number }} g */
const met = (g) => `${g.met ? 'met' : 'NOT met'} (${g.runsMet}/${g.runs} runs)`;

/** @param {ReturnType<typeof results>} r */
function report(r) {
  const { export: e, diff: d, import: i } = r;
  const n = r.setup.pipes.toLocaleString('en');
  const u = i.updates;
  const c = i.creates;
  /** @typedef {{ median: number, min: number, max: number, n: number }} S */
  /** A figure with the median of its runs, their range and the floor's median. @param {string} label  @param {S} value  @param {S | undefined} floor */
  const timed = (label, value, floor, goal = '', verdict = '') => [
    label,
    t(value.median),
    range(value),
    floor ? t(floor.median) : '',
    floor ? x(value.median / floor.median) : '',
    goal,
    verdict,
  ];
  /** @param {string} label  @param {S} value  @param {S | undefined} floor */
  const memory = (label, value, floor) => [
    label,
    mib(value.median),
    range(value, mib),
    floor ? mib(floor.median) : '',
    floor ? x(value.median / floor.median) : '',
    '',
    '',
  ];
  /** @param {{ beforeKiB: number, afterKiB: number, afterSettledKiB?: number }} rss */
  const rssChange = (rss) =>
    `${mib(rss.beforeKiB)} → ${mib(rss.afterKiB)}${rss.afterSettledKiB === undefined ? '' : ` (${mib(rss.afterSettledKiB)} settled)`}`;
  const one = (/** @type {number} */ v) => ({ median: v, min: v, max: v, n: 1 });
  const rows = [
    timed(`export pipes.json, ${n} pipes`, e.pipesJson.wallMs, e.floor.wallMs, `≤ ${t(e.goal.goalMs)}`, met(e.goal)),
    timed('  the same, beside a raw KV listing (fresh node)', e.pipesJson.wallMs, e.rawListing.wallMs),
    memory('  peak RSS of the command', e.pipesJson.maxRssKiB, e.floor.maxRssKiB),
    timed(`export --format sql (${n} files)`, e.sql.wallMs, e.sqlFloor.wallMs),
    memory('  peak RSS of the command', e.sql.maxRssKiB, e.sqlFloor.maxRssKiB),
    timed('diff, no change (exit 0)', d.same.wallMs, d.sameFloor.wallMs),
    timed(`diff, all ${n} edited (exit 1)`, d.edited.wallMs, d.editedFloor.wallMs),
    memory('  peak RSS of the command', d.edited.maxRssKiB, d.editedFloor.maxRssKiB),
    timed(`import, ${n} updates`, u.wallMs, i.apiFloor.totalMs, `≤ ${t(u.goal.goalMs)}`, met(u.goal)),
    timed(`  the same, beside the API floor ${WRITES_IN_FLIGHT} at a time`, u.wallMs, i.inFlightFloor.totalMs),
    timed(`  API floor (${n} CAS PUTs in turn) beside raw KV updates`, i.apiFloor.totalMs, i.rawFloor.totalMs),
    memory('  peak RSS of the command', u.maxRssKiB, undefined),
    ...u.consoleRss.map((rss, k) => [
      `  console RSS over import ${k + 1}`,
      rssChange(rss),
      '',
      '',
      x(rss.afterKiB / rss.beforeKiB),
      '',
      '',
    ]),
    timed(`import, ${n} creates, empty bucket (1 run)`, c.import.wallMs, one(c.apiFloor.totalMs)),
    timed(`  API floor (${n} PUTs If-None-Match) beside raw KV creates`, one(c.apiFloor.totalMs), one(c.rawFloor.totalMs)),
    ['  console RSS over the import', rssChange(c.consoleRss), '', '', x(c.consoleRss.afterKiB / c.consoleRss.beforeKiB), '', ''],
  ];
  const table = formatTable(['figure', 'median', 'range', 'floor', 'ratio', 'goal', 'verdict'], rows);
  /** @param {ReturnType<typeof phases>} p */
  const split = (p) =>
    'msPerWrite' in p
      ? `before the first write ${t(p.beforeWritesMs)}, then ${p.writesPerS?.toFixed(0)} writes/s = ${t(p.writesMs)}, after the last ${t(p.afterWritesMs)}; ` +
        `${p.progressLines} progress lines, the first at ${t(p.firstLineMs)}, at most ${t(p.maxGapBetweenLinesMs)} apart`
      : `${p.progressLines} progress lines`;
  /**
   * @param {ReturnType<typeof cpuSplit>} s
   * @param {{ consoleMsPerWrite: number, natsServerMsPerWrite: number }} floor
   * @param {string} label
   */
  const cpu = (s, floor, label) =>
    `CLI ${f2(s.perWrite.cliMs)} (${(s.cliShareOfWall * 100).toFixed(0)} % of a core), console ${f2(s.perWrite.consoleMs)} ` +
    `(${(s.consoleShareOfWall * 100).toFixed(0)} %; ${label} ${f2(floor.consoleMsPerWrite)}), ` +
    `nats-server ${f2(s.perWrite.natsServerMs)} (${label} ${f2(floor.natsServerMsPerWrite)})`;
  /** @param {{ median: number, p99: number }[]} list */
  const latencies = (list) => list.map((p) => `${f2(p.median)}/${f2(p.p99)}`).join(', ');
  const mc = r.machine;
  const sizes = r.setup.pipeSizes;
  return [
    `files CLI · ${n} pipes (values ${Math.round(sizes.valueBytes)} B, SQL ${Math.round(sizes.sqlBytes)} B, ${sizes.parameters.toFixed(1)} parameters ` +
      `on average; pipes.json ${(r.setup.pipesJsonBytes / 1024 / 1024).toFixed(1)} MiB) · N=${r.setup.runs} · node ${mc.node} · ${mc.cpus} CPUs`,
    `each command a child process of node, spawn → exit, peak RSS from its own getrusage; seeded in ${t(r.setup.seedMs)}; ` +
      `first export after the console's start, not counted: ${t(r.setup.warmUpExportMs)}`,
    '',
    table,
    '',
    ...u.phases.map((p, k) => `import ${k + 1}: ${split(p)}`),
    `creates: ${split(c.phases)}`,
    'CPU per write (ms):',
    ...u.cpu.map((s, k) => `  import ${k + 1}: ${cpu(s, i.inFlightFloor.cpu[k], `API floor ${WRITES_IN_FLIGHT} at a time`)}`),
    ...i.apiFloor.cpu.map(
      (s, k) => `  API floor ${k + 1}, in turn: console ${f2(s.consoleMsPerWrite)}, nats-server ${f2(s.natsServerMsPerWrite)}`,
    ),
    `  creates: ${cpu(c.cpu, c.apiFloor.cpu, 'API floor in turn')}`,
    `API floor per PUT p50/p99 (ms), by round: in turn ${latencies(i.apiFloor.perWriteMs)}; ${WRITES_IN_FLIGHT} at a time ` +
      `${latencies(i.inFlightFloor.perWriteMs)}; raw KV update: ${latencies(i.rawFloor.perWriteMs)}; ` +
      `creates: ${latencies([c.apiFloor.perWriteMs])}, raw ${latencies([c.rawFloor.perWriteMs])}`,
    `diff with every pipe edited printed ${(d.edited.stdoutBytes.median / 1024 / 1024).toFixed(1)} MiB; ` +
      `the archive settled ${u.archiveSettleAfterMs.map((v) => t(v)).join(', ')} after each import`,
    `machine: load average (1 min) ${mc.loadavgBefore[0]} at start, ${mc.loadavgAfter[0]} at end ` +
      `(${mc.loadavgBefore.join(' ')} → ${mc.loadavgAfter.join(' ')}); run took ${(r.durationMs / 1000).toFixed(0)} s`,
    ...(r.serverWarnings.length
      ? [`consoles logged ${r.serverWarnings.length} warning/error line(s); see serverWarnings in the JSON`]
      : []),
  ].join('\n');
}
