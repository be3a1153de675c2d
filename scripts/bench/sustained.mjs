// Sustained load: `rate` puts a second for `seconds` seconds spread over `pipes` keys, while
// `clients` SSE streams (in a process of their own, lib/sse-fanout-process.mjs) and a raw KV
// watch (the floor, in another process, measured in the same run under the same load) follow
// the bucket. Per change: put → the last SSE client has it, and put → the raw watch has it.
// Also: whether every client got every change (or a snapshot after falling behind), and the
// console's RSS every second (growth, and how flat the last 30 s are).
// BENCH_CONSOLE_CPU_PROF=<dir> runs the console with --cpu-prof (profile written when it stops).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kvm } from '@nats-io/kv';
import { DEFAULT_BUCKET } from '../../lib/defaults.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { forkChild } from './lib/fork-child.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { machineFacts, now, startRun } from './lib/clock.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { cpuMsOf, memoryOf } from './lib/proc.mjs';
import { rounded, summarize } from './lib/stats.mjs';
import { msPair, ratios } from './lib/summary.mjs';
import { formatTable, mib, ms } from './lib/table.mjs';

const HISTORY = 3;
/** Puts in flight at once: enough to hold the rate, bounded so a slow server is not flooded. */
const IN_FLIGHT = 256;
const GOAL_P99_RATIO = 2;
const GOAL_RSS_GROWTH_MB = 50; // MB, as the issue says: 47.7 MiB
const withinGrowthGoal = (/** @type {number} */ kib) => kib * 1024 <= GOAL_RSS_GROWTH_MB * 1e6;
// "Flat" in the last FLAT_WINDOW_S seconds: RSS stays within this spread.
const FLAT_SPREAD_MIB = 10;
const STEADY_AFTER_S = 5;
const FLAT_WINDOW_S = 30;
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * @param {{ seconds?: number, rate?: number, clients?: number, pipes?: number, log: (line: string) => void }} options
 */
export async function sustained({ seconds = 60, rate = 2_000, clients = 100, pipes = 100, log }) {
  const run = startRun();
  const env = await openBenchEnvironment();
  try {
    const kv = await new Kvm(env.writer).create(DEFAULT_BUCKET, { history: HISTORY });
    const seeded = makePipes(pipes, 11);
    await putAll(kv, seeded);
    const profileDir = process.env.BENCH_CONSOLE_CPU_PROF;
    const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const server = await spawnConsole(env.nats.url, { appDir: env.app.dir, env: { PIPES_DATA_DIR: env.dataDir }, nodeArgs });
    await waitForList(server, pipes);
    const here = import.meta.dirname;
    const fanout = forkChild(join(here, 'lib/sse-fanout-process.mjs'), [`${server.url}/api/events`, String(clients), '50'], {
      BENCH_SSE_TOKEN: server.adminToken,
    });
    const raw = forkChild(join(here, 'sustained/raw-follow-process.mjs'), [env.nats.url, DEFAULT_BUCKET]);
    /** @type {Map<number, number>} revision → last SSE client's time */
    const lastClientAt = new Map();
    /** @type {Map<number, number>} revision → raw watch's time */
    const rawAt = new Map();
    fanout.on('put', (m) => lastClientAt.set(m.revision, Math.max(...m.times)));
    raw.on('arrivals', (m) => {
      for (let i = 0; i < m.pairs.length; i += 2) rawAt.set(m.pairs[i], m.pairs[i + 1]);
    });
    await Promise.all([fanout.next('ready'), raw.next('ready')]);
    log(`sustained: ${clients} SSE clients and the raw watch ready; ${rate} puts/s for ${seconds} s`);

    const rss = [{ t: 0, kib: memoryOf(server.pid).rssKiB }];
    const cpuBefore = cpuMsOf(server.pid);
    /** @type {number[]} the archive's queue (records not yet written) every second, from /api/health */
    const archiveQueued = [];
    const sampler = setInterval(() => {
      rss.push({ t: rss.length, kib: memoryOf(server.pid).rssKiB });
      fetch(`${server.url}/api/health`)
        .then((res) => res.json())
        .then((h) => archiveQueued.push(Number(h.archive_queued)))
        .catch(() => undefined);
    }, 1_000);
    /** @type {Map<number, number>} revision → when its put started */
    const sentAt = new Map();
    const total = seconds * rate;
    const values = seeded.map((p) => JSON.parse(p.value));
    const start = now();
    let inFlight = 0;
    let failed = 0;
    let behindSchedule = 0;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1_000) / rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      else if (wait < -100) behindSchedule++;
      while (inFlight >= IN_FLIGHT) await sleep(1);
      const pipe = values[i % pipes];
      const t0 = now();
      inFlight++;
      kv.put(pipe.name, JSON.stringify({ ...pipe, description: `load #${i}` }))
        .then((revision) => sentAt.set(revision, t0))
        .catch(() => failed++)
        .finally(() => inFlight--);
    }
    while (inFlight > 0) await sleep(5);
    const putMs = now() - start;
    // Drained: every acknowledged revision reached every client (or the wait gives up).
    const drainDeadline = now() + DRAIN_TIMEOUT_MS;
    while (now() < drainDeadline && [...sentAt.keys()].some((r) => !lastClientAt.has(r) || !rawAt.has(r))) await sleep(50);
    clearInterval(sampler);
    const cpuMs = cpuMsOf(server.pid) - cpuBefore;
    raw.send({ type: 'finish' });
    fanout.send({ type: 'finish' });
    const [summary] = await Promise.all([fanout.next('summary'), raw.next('summary')]);
    await Promise.all([fanout.stop(), raw.stop(), server.stop()]);

    const revisions = [...sentAt.keys()];
    const consoleLatency = revisions
      .filter((r) => lastClientAt.has(r))
      .map((r) => /** @type {number} */ (lastClientAt.get(r)) - /** @type {number} */ (sentAt.get(r)));
    const rawLatency = revisions
      .filter((r) => rawAt.has(r))
      .map((r) => /** @type {number} */ (rawAt.get(r)) - /** @type {number} */ (sentAt.get(r)));
    const console_ = summarize(consoleLatency);
    // Where the tail is: the p99 of each second of puts, the worst seconds first.
    /** @type {Map<number, number[]>} */
    const bySecond = new Map();
    for (const r of revisions) {
      const sent = /** @type {number} */ (sentAt.get(r));
      const got = lastClientAt.get(r);
      if (got === undefined) continue;
      const second = Math.floor((sent - start) / 1_000);
      bySecond.set(second, [...(bySecond.get(second) ?? []), got - sent]);
    }
    // The same after the console's first seconds under load (the archive's fill-in, code run
    // the first time): reported beside the whole run's, which the goal is judged on.
    const steady = summarize([...bySecond].filter(([second]) => second >= STEADY_AFTER_S).flatMap(([, latencies]) => latencies));
    const worstSeconds = [...bySecond]
      .map(([second, latencies]) => ({ second, p99: summarize(latencies).p99 }))
      .sort((a, b) => b.p99 - a.p99)
      .slice(0, 5);
    const floor = summarize(rawLatency);
    const missing = revisions.length - consoleLatency.length;
    const loadRss = rss.slice(1).map((s) => s.kib);
    const growthKiB = Math.max(...loadRss) - rss[0].kib;
    const tail = rss.slice(-FLAT_WINDOW_S).map((s) => s.kib);
    const tailSpreadKiB = Math.max(...tail) - Math.min(...tail);
    const ended = run.end();
    const ratio = console_.p99 / floor.p99;
    const everyChange = missing === 0 || summary.lateSnapshots > 0;
    const rows = [
      ['puts acknowledged', `${revisions.length} of ${total} (${failed} failed) in ${(putMs / 1000).toFixed(1)} s`, '', '', '', ''],
      ['put → last of clients, p50', ms(console_.median), ms(floor.median), (console_.median / floor.median).toFixed(2), '', ''],
      [
        `  … after the first ${STEADY_AFTER_S} s, p50 / p99`,
        `${ms(steady.median)} / ${ms(steady.p99)}`,
        '',
        (steady.p99 / floor.p99).toFixed(2),
        '',
        '',
      ],
      [
        'put → last of clients, p99',
        ms(console_.p99),
        ms(floor.p99),
        ratio.toFixed(2),
        `≤ ${GOAL_P99_RATIO}×`,
        ratio <= GOAL_P99_RATIO ? 'met' : 'missed',
      ],
      [
        'every client got every change (or a snapshot)',
        `${missing} missing, ${summary.lateSnapshots} late snapshots`,
        '',
        '',
        'all',
        everyChange ? 'met' : 'missed',
      ],
      ['console RSS growth', mib(growthKiB), '', '', `≤ ${GOAL_RSS_GROWTH_MB} MB`, withinGrowthGoal(growthKiB) ? 'met' : 'missed'],
      [
        `console RSS spread, last ${FLAT_WINDOW_S} s`,
        mib(tailSpreadKiB),
        '',
        '',
        `flat (≤ ${FLAT_SPREAD_MIB} MiB)`,
        tailSpreadKiB <= FLAT_SPREAD_MIB * 1024 ? 'met' : 'missed',
      ],
      ['console CPU', `${Math.round(cpuMs / (putMs / 1000))} ms/s`, '', '', '', ''],
      [
        'archive queue, max / at the end of the puts',
        `${Math.max(0, ...archiveQueued)} / ${archiveQueued.at(-1) ?? '–'} records`,
        '',
        '',
        '',
        '',
      ],
    ];
    const report = [
      `sustained: ${rate} puts/s × ${seconds} s over ${pipes} keys, ${clients} SSE clients; floor: a raw KV watch in the same run`,
      formatTable(['figure', 'console', 'raw watch', 'ratio', 'goal', ''], rows),
      `load average ${run.loadavgBefore.join(' ')} → ${ended.loadavgAfter.join(' ')}; puts behind schedule by > 100 ms: ${behindSchedule}`,
      `worst seconds (p99 of the puts started in it): ${worstSeconds.map((w) => `${w.second} s: ${ms(w.p99)}`).join(', ')}`,
    ].join('\n');
    const load = `${rate.toLocaleString('en')} puts/s for ${seconds} s, ${clients} SSE clients`;
    /** @type {import('./lib/summary.mjs').SummaryRow[]} */
    const summaryRows = [
      {
        figure: `${load}: put → last client, p50 / p99; every client every change`,
        measured: `${msPair(console_.median, console_.p99)} (after the first ${STEADY_AFTER_S} s: ${msPair(steady.median, steady.p99)}); ${missing} missing, ${summary.lateSnapshots} late snapshots`,
        floor: `the raw KV watch ${msPair(floor.median, floor.p99)}`,
        ratio: ratios(console_.median / floor.median, ratio),
        goal: `p99 ≤ ${GOAL_P99_RATIO}×; every change or a snapshot`,
        met: ratio <= GOAL_P99_RATIO && everyChange,
      },
      {
        figure: `${load}: console RSS growth; spread in the last ${FLAT_WINDOW_S} s`,
        measured: `${mib(growthKiB)}; ${mib(tailSpreadKiB)}`,
        floor: '–',
        ratio: '–',
        goal: `≤ ${GOAL_RSS_GROWTH_MB} MB; ≤ ${FLAT_SPREAD_MIB} MiB`,
        met: withinGrowthGoal(growthKiB) && tailSpreadKiB <= FLAT_SPREAD_MIB * 1024,
      },
    ];
    return {
      name: 'sustained',
      report,
      rows: summaryRows,
      results: rounded({
        machine: machineFacts(run, ended.loadavgAfter),
        rate,
        seconds,
        clients,
        pipes,
        acknowledged: revisions.length,
        failed,
        putMs,
        console: { ...console_, runs: undefined },
        floor: { ...floor, runs: undefined },
        p99Ratio: ratio,
        missing,
        clientSummary: summary,
        rssKiB: rss,
        growthKiB,
        tailSpreadKiB,
        cpuMsPerS: cpuMs / (putMs / 1000),
        worstSeconds,
        steadyAfterS: STEADY_AFTER_S,
        steady: { ...steady, runs: undefined },
        archiveQueued,
        durationMs: ended.durationMs,
      }),
    };
  } finally {
    await env.close();
  }
}
