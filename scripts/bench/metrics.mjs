// What a Prometheus scrape of GET /api/metrics costs with `clients` SSE streams open (in a process
// of their own): `runs` scrapes one after the other, timed from the request to the last byte,
// beside the same number of GET /api/health (a trivial route, the floor) in the same run, with the
// console's CPU per scrape and the text's size.
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { DEFAULT_BUCKET } from '../../lib/defaults.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { machineFacts, now, startRun } from './lib/clock.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { forkChild } from './lib/fork-child.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { cpuMsOf } from './lib/proc.mjs';
import { rounded, summarize } from './lib/stats.mjs';
import { msOf, msPair, times } from './lib/summary.mjs';
import { formatTable } from './lib/table.mjs';

/**
 * @param {{ clients?: number, runs?: number, pipes?: number, log: (line: string) => void }} options
 */
export async function metricsScrape({ clients = 1_000, runs = 50, pipes = 100, log }) {
  const run = startRun();
  const env = await openBenchEnvironment();
  try {
    const kv = await new Kvm(env.writer).create(DEFAULT_BUCKET, { history: 3 });
    await putAll(kv, makePipes(pipes, 13));
    const scraperToken = 'bench-metrics-scraper';
    const server = await spawnConsole(env.nats.url, {
      appDir: env.app.dir,
      env: { PIPES_DATA_DIR: env.dataDir, PIPES_METRICS_TOKEN: scraperToken },
    });
    await waitForList(server, pipes);
    const fanout = forkChild(join(import.meta.dirname, 'lib/sse-fanout-process.mjs'), [`${server.url}/api/events`, String(clients), '50'], {
      BENCH_SSE_TOKEN: server.adminToken,
    });
    await fanout.next('ready');
    log(`${clients} SSE streams open; ${runs} scrapes and ${runs} health checks`);

    /** @param {string} path  @param {Record<string, string>} headers */
    const timed = async (path, headers) => {
      const durations = [];
      let bytes = 0;
      const cpuBefore = cpuMsOf(server.pid);
      // One uncounted request first: the route's code is loaded on its first request.
      await (await fetch(`${server.url}${path}`, { headers })).text();
      for (let i = 0; i < runs; i++) {
        const t0 = now();
        const res = await fetch(`${server.url}${path}`, { headers });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
        durations.push(now() - t0);
        bytes = Buffer.byteLength(text);
      }
      return { ms: summarize(durations), bytes, cpuMsPerRequest: (cpuMsOf(server.pid) - cpuBefore) / (runs + 1) };
    };
    const health = await timed('/api/health', {});
    const scrape = await timed('/api/metrics', { authorization: `Bearer ${scraperToken}` });
    fanout.send({ type: 'finish' });
    await fanout.stop();
    await server.stop();
    const ended = run.end();

    const ratioP50 = scrape.ms.median / health.ms.median;
    const report = [
      `metrics scrape with ${clients} SSE streams open, ${runs} of each one after the other`,
      formatTable(
        ['GET', 'p50', 'p99', 'bytes', 'console CPU each'],
        [
          ['/api/metrics', msOf(scrape.ms.median), msOf(scrape.ms.p99), String(scrape.bytes), msOf(scrape.cpuMsPerRequest)],
          ['/api/health (floor)', msOf(health.ms.median), msOf(health.ms.p99), String(health.bytes), msOf(health.cpuMsPerRequest)],
        ],
      ),
      `load average ${run.loadavgBefore.join(' ')} → ${ended.loadavgAfter.join(' ')}`,
    ].join('\n');
    return {
      name: 'metrics',
      report,
      rows: [
        {
          figure: `a scrape of \`/api/metrics\` with ${clients.toLocaleString('en')} SSE clients, p50 / p99`,
          measured: `${msPair(scrape.ms.median, scrape.ms.p99)}, ${(scrape.bytes / 1024).toFixed(1)} KiB, console CPU ${msOf(scrape.cpuMsPerRequest)}`,
          floor: `\`GET /api/health\` ${msPair(health.ms.median, health.ms.p99)}`,
          ratio: times(ratioP50),
          goal: '',
          met: undefined,
        },
      ],
      results: rounded({
        machine: machineFacts(run, ended.loadavgAfter),
        clients,
        runs,
        scrape: { ...scrape, ms: { ...scrape.ms, runs: undefined } },
        health: { ...health, ms: { ...health.ms, runs: undefined } },
        durationMs: ended.durationMs,
      }),
    };
  } finally {
    await env.close();
  }
}
