// Fan-out at scale: one nats-server, a bucket of `pipes` pipes, and two servers one after the
// other, each in a process of its own, with `clients` (10,000) and then 1,000 SSE clients held in
// two client processes:
//   - the floor: a plain node:http server that watches the bucket and writes each change's
//     bytes, the same as the console's, to every held response (fanout/plain-broadcaster-process.mjs);
//   - the console: server.mjs from the production build, clients with the bearer token.
// Per series: put → the last of all clients has the `put` event (p50, p99; puts spaced as
// sse-latency spaces them), whether every client got every change, and the server's RSS per open
// connection: (RSS with the clients open − RSS just before) / clients.
// Each series opens its clients afresh, the larger first: its RSS per connection is then taken on
// a server that has not yet held (and freed) other clients' memory, which it would reuse. It
// counts the first use of the code paths too: a few MiB over 10,000 connections, and the floor
// pays the same way.
import { Kvm } from '@nats-io/kv';
import { DEFAULT_BUCKET } from '../../lib/defaults.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { machineFacts, startRun } from './lib/clock.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { WANTED_FD_LIMIT } from './lib/fd-limit.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { rounded } from './lib/stats.mjs';
import { msPair, ratios, times } from './lib/summary.mjs';
import { formatTable } from './lib/table.mjs';
import { measureFanOut, startFloor } from './fanout/measure.mjs';
import { probeValues, WARMUP_PUTS } from './sse-latency.mjs';

const HISTORY = 3;
const SMALL = 1_000;
const GOAL_LATENCY_RATIO = 1.25;
const GOAL_RSS_KIB = 16;
const GOAL_RSS_RATIO = 1.2;

/** @typedef {import('./fanout/measure.mjs').FanOutSeries} Series */

/**
 * @param {{ pipes?: number, puts?: number, clients?: number, log: (line: string) => void }} options
 *   clients: the larger N (the smaller is min(1,000, clients)); puts: per series, after the warm-up
 */
export async function fanout({ pipes = 100, puts = 100, clients = 10_000, log }) {
  const run = startRun();
  const sizes = [...new Set([clients, Math.min(SMALL, clients)])];
  const env = await openBenchEnvironment();
  try {
    const kv = await new Kvm(env.writer).create(DEFAULT_BUCKET, { history: HISTORY });
    await putAll(kv, makePipes(pipes));
    const value = probeValues();
    let seq = 0;
    const nextValue = () => value(seq++);
    /**
     * Every size against one server, the larger first.
     * @param {import('./fanout/measure.mjs').Subject} subject  @param {string} label
     */
    const series = async (subject, label) => {
      /** @type {Series[]} */
      const out = [];
      for (const n of sizes) out.push(await measureFanOut({ subject, clients: n, kv, nextValue, puts, log, label }));
      return out;
    };

    log('the floor: a plain node:http broadcaster');
    const floorServer = await startFloor(env.nats.url, DEFAULT_BUCKET);
    const floor = await series(floorServer, 'floor').finally(floorServer.stop);

    log('the console (server.mjs)');
    const server = await spawnConsole(env.nats.url, {
      appDir: env.app.dir,
      env: { PIPES_DATA_DIR: env.dataDir },
      fdLimit: WANTED_FD_LIMIT,
    });
    /** @type {Series[]} */
    let console_;
    /** @type {{ at: number, text: string }[]} */
    let serverWarnings;
    try {
      await waitForList(server, pipes + 1); // + the probe key, written by the floor's series
      console_ = await series({ url: server.url, pid: server.pid, token: server.adminToken }, 'console');
      serverWarnings = server.linesMatching(/ (warn|error) /i);
    } finally {
      await server.stop();
    }

    const ended = run.end();
    const rows = summaryRows(floor, console_);
    const results = {
      benchmark: 'fanout',
      startedAt: run.startedAt,
      durationMs: ended.durationMs,
      machine: machineFacts(run, ended.loadavgAfter),
      setup: {
        pipes,
        puts,
        warmupPutsPerSeries: WARMUP_PUTS,
        sizes,
        clientProcesses: 2,
        floor: 'plain node:http server, one kv.watch, the same frame bytes written to every held response',
        console: 'server.mjs, production build',
        build: { id: env.app.buildId, builtAt: env.app.builtAt },
        // Asked for on every server and client process; where it could not be raised, each
        // series checked the limit it got was enough (fdLimits).
        fdLimitWanted: WANTED_FD_LIMIT,
        consoleFdLimitError: server.fdLimitError,
      },
      floor,
      console: console_,
      serverWarnings,
      rows,
    };
    return { name: 'fanout', results: rounded(results, 3), report: report(results), rows };
  } finally {
    await env.close();
  }
}

/** @param {number} n */
const count = (n) => n.toLocaleString('en-US');
/** @param {number} kib */
const kibOf = (kib) => `${kib.toFixed(1)} KiB`;

/**
 * The summary table's rows (lib/summary.mjs): last-client latency at each size, the smaller
 * first, then the RSS per connection at the largest.
 * @param {Series[]} floor
 * @param {Series[]} console_ the same sizes, in the same order
 * @returns {import('./lib/summary.mjs').SummaryRow[]}
 */
function summaryRows(floor, console_) {
  const pairs = console_.map((c, i) => ({ c, f: floor[i] })).sort((a, b) => a.c.clients - b.c.clients);
  const rows = pairs.map(({ c, f }) => {
    const r50 = c.lastClientMs.median / f.lastClientMs.median;
    const r99 = c.lastClientMs.p99 / f.lastClientMs.p99;
    return {
      figure: `put → event, last of ${count(c.clients)} clients (two client processes), p50 / p99`,
      measured: msPair(c.lastClientMs.median, c.lastClientMs.p99),
      floor: `plain node:http broadcaster ${msPair(f.lastClientMs.median, f.lastClientMs.p99)}`,
      ratio: ratios(r50, r99),
      goal: `≤ ${GOAL_LATENCY_RATIO}×`,
      met: r50 <= GOAL_LATENCY_RATIO && r99 <= GOAL_LATENCY_RATIO && c.everyClientGotEveryChange && f.everyClientGotEveryChange,
    };
  });
  const { c, f } = /** @type {{ c: Series, f: Series }} */ (pairs.at(-1));
  const r = c.rssPerConnectionKiB / f.rssPerConnectionKiB;
  rows.push({
    figure: `RSS per open SSE connection at ${count(c.clients)}`,
    measured: kibOf(c.rssPerConnectionKiB),
    floor: `plain node:http broadcaster ${kibOf(f.rssPerConnectionKiB)}`,
    ratio: times(r),
    goal: `≤ ${GOAL_RSS_KIB} KiB and ≤ ${GOAL_RSS_RATIO}×`,
    met: c.rssPerConnectionKiB <= GOAL_RSS_KIB && r <= GOAL_RSS_RATIO,
  });
  return rows;
}

/** @param {number | undefined} v */
const ms2 = (v) => (v === undefined || !Number.isFinite(v) ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1));

/** @param {{ setup: { pipes: number, puts: number, warmupPutsPerSeries: number }, floor: Series[], console: Series[], machine: { cpus: number, loadavgBefore: number[], loadavgAfter: number[] }, durationMs: number, serverWarnings: unknown[], rows: import('./lib/summary.mjs').SummaryRow[] }} r */
function report(r) {
  const lines = [];
  for (const [name, list] of /** @type {const} */ ([
    ['floor', r.floor],
    ['console', r.console],
  ])) {
    for (const s of list) {
      const d = s.delivery;
      lines.push([
        `${name}, ${count(s.clients)}`,
        `${ms2(s.lastClientMs.median)} / ${ms2(s.lastClientMs.p99)} / ${ms2(s.lastClientMs.max)}`,
        `${ms2(s.medianClientMs.median)} / ${ms2(s.medianClientMs.p99)}`,
        `${(s.openMs / 1000).toFixed(1)} s`,
        s.serverSockets,
        `${(s.rssBeforeKiB / 1024).toFixed(1)} → ${(s.rssOpenKiB / 1024).toFixed(1)} MiB`,
        s.rssPerConnectionKiB.toFixed(1),
        ms2(s.serverCpuMsPerPut),
        s.putDataBytes,
        s.everyClientGotEveryChange
          ? 'all'
          : `${d.clientsShort} short (${d.missedDeliveries}), ${d.clientsOutOfOrder} out of order, ${d.revisionsNeverComplete} never complete`,
      ]);
    }
  }
  const verdict = (/** @type {boolean | undefined} */ met) => (met === undefined ? '' : met ? 'met' : 'MISSED');
  return [
    `fanout — ${r.setup.pipes} pipes, ${r.setup.puts} puts per series (+${r.setup.warmupPutsPerSeries} warm-up), clients in two processes; floor: a plain node:http broadcaster`,
    '',
    formatTable(
      [
        'server, clients',
        'last client p50 / p99 / max (ms)',
        'median client p50 / p99',
        'open',
        'sockets',
        'RSS before → open',
        'KiB/conn',
        'CPU/put (ms)',
        'data B',
        'every change',
      ],
      lines,
    ),
    '',
    formatTable(
      ['figure', 'console', 'floor', 'ratio', 'goal', ''],
      r.rows.map((row) => [row.figure, row.measured, row.floor, row.ratio, row.goal, verdict(row.met)]),
    ),
    '',
    `machine: ${r.machine.cpus} CPUs, load average ${r.machine.loadavgBefore.join(' ')} at start, ${r.machine.loadavgAfter.join(' ')} at end; run took ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.serverWarnings.length
      ? [`the console logged ${r.serverWarnings.length} warning/error line(s); see serverWarnings in the JSON`]
      : []),
  ].join('\n');
}
