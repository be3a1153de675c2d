// `npm run bench [-- <name…>] [--runs N] [--pipes N] [--puts N] [--clients N] [--changes N] [--tabs N] [--seconds N] [--rate N] [--readme]`:
// runs the benchmarks (all by default), prints each report, writes bench-results/<name>.json,
// then prints the one table of goals (lib/summary.mjs) and keeps it in bench-results/summary.json;
// --readme writes that table into the README. Plain .mjs: Node 20 has no
// --experimental-strip-types. A benchmark is an async function returning { results, report,
// rows? }; an option applies to the benchmarks that take it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { messageOf, repoRoot, runMain, ScriptError } from '../lib/cli.mjs';
import { archive } from './archive.mjs';
import { cleanupAll } from './lib/cleanup.mjs';
import { coldStart } from './cold-start.mjs';
import { fanout } from './fanout.mjs';
import { files } from './files.mjs';
import { firstScreen } from './first-screen.mjs';
import { listBurst } from './list-burst.mjs';
import { metricsScrape } from './metrics.mjs';
import { mirror } from './mirror.mjs';
import { presence } from './presence.mjs';
import { mergeSummary, summaryMarkdown, withSummary } from './lib/summary.mjs';
import { sseLatency } from './sse-latency.mjs';
import { sustained } from './sustained.mjs';

/** @typedef {'runs' | 'pipes' | 'puts' | 'clients' | 'changes' | 'tabs' | 'seconds' | 'rate'} Count */
/** @typedef {Record<Count, number> & { log: (line: string) => void }} BenchOptions each benchmark reads the counts it takes */
/** @typedef {import('./lib/summary.mjs').SummaryRow} SummaryRow */
// In the order of the table of goals (lib/summary.mjs): the live path's floors first.
/**
 * @type {Record<string, { run: (options: BenchOptions) => Promise<{ results: unknown, report: string, rows?: SummaryRow[] }>, defaults: Partial<Record<Count, number>> }>}
 */
const BENCHMARKS = {
  // puts: N of the raw-floor and 1-client series (the fan-out series gets half).
  'sse-latency': { run: sseLatency, defaults: { pipes: 100, puts: 200, clients: 1_000 } },
  // clients: the larger of the two fan-outs (the smaller is 1,000); puts: per series; pipes: in the bucket.
  fanout: { run: fanout, defaults: { clients: 10_000, puts: 100, pipes: 100 } },
  'cold-start': { run: coldStart, defaults: { pipes: 10_000, runs: 5 } },
  // pipes: in the large bucket (the floor has 10); runs: openings of / of each kind per bucket.
  'first-screen': { run: firstScreen, defaults: { pipes: 10_000, runs: 10 } },
  // rate puts a second for seconds, over pipes keys, with clients SSE streams.
  sustained: { run: sustained, defaults: { seconds: 60, rate: 2_000, clients: 100, pipes: 100 } },
  // puts: per burst, the marker included; runs: bursts counted (after one warm-up burst).
  'list-burst': { run: listBurst, defaults: { pipes: 10_000, puts: 500, runs: 3 } },
  // puts: of the live-path series per archive setting; runs: openings of /feed per archive;
  // changes: records published straight to the archive.
  archive: { run: archive, defaults: { pipes: 100, puts: 200, runs: 10, changes: 100_000 } },
  // tabs: simulated browser tabs over two consoles; pipes: in the bucket, the tabs move among
  // them; runs: probes timed from one console to the other.
  presence: { run: presence, defaults: { tabs: 1_000, pipes: 200, runs: 50 } },
  // pipes: in the bucket and in every folder; runs: of each command, and rounds of an edit of every pipe.
  files: { run: files, defaults: { pipes: 10_000, runs: 3 } },
  // pipes: in the bucket (and the file); runs: probes.
  mirror: { run: mirror, defaults: { pipes: 10_000, runs: 20 } },
  // clients: SSE streams held open; runs: scrapes (and as many health checks, the floor).
  metrics: { run: metricsScrape, defaults: { clients: 1_000, runs: 50, pipes: 100 } },
};

const USAGE = `Usage: npm run bench [-- <benchmark…>] [--runs N] [--pipes N] [--puts N] [--clients N] [--changes N] [--tabs N] [--seconds N] [--rate N] [--readme]

Benchmarks: ${Object.keys(BENCHMARKS).join(', ')} (all when none is named).
  cold-start   --runs, --pipes (pipes in the bucket)
  sse-latency  --pipes (in the bucket), --puts (raw floor and 1 client; the fan-out gets half),
               --clients (SSE streams of the fan-out)
  list-burst   --pipes (in the bucket), --puts (per burst, the marker included), --runs (bursts)
  archive      --pipes (in the bucket), --puts (live path, per archive setting), --runs (openings of /feed
               per archive), --changes (records published straight to the archive)
  presence     --tabs (simulated tabs over two consoles), --pipes (in the bucket, the tabs move among them),
               --runs (probes: a new key on one console until the other's SSE clients list it)
  files        --pipes (in the bucket and every folder), --runs (of each files CLI command, and import rounds)
  mirror       --pipes (in the bucket and pipes.json), --runs (probes: a put until each file holds it)
  sustained    --rate (puts a second), --seconds, --clients (SSE streams), --pipes (keys the puts go to)
  fanout       --clients (SSE streams of the larger series; the smaller has 1,000), --puts (per series),
               --pipes (in the bucket)
  metrics      --clients (SSE streams held open), --runs (scrapes, and as many GET /api/health), --pipes
  first-screen --pipes (in the large bucket; the floor has 10), --runs (openings of / timed to the first row,
               and as many to search usable, per bucket)
Results: bench-results/<benchmark>.json, and the table of goals in bench-results/summary.json
(rows of benchmarks not run keep their last figures); --readme writes that table into README.md.`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        runs: { type: 'string' },
        pipes: { type: 'string' },
        puts: { type: 'string' },
        clients: { type: 'string' },
        changes: { type: 'string' },
        tabs: { type: 'string' },
        seconds: { type: 'string' },
        rate: { type: 'string' },
        readme: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new ScriptError(`${messageOf(err)}\n\n${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const names = parsed.positionals.length ? parsed.positionals : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) throw new ScriptError(`unknown benchmark ${unknown.join(', ')}\n\n${USAGE}`);
  /** @param {Count} flag */
  const count = (flag) => {
    const value = parsed.values[flag];
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new ScriptError(`--${flag} must be a whole number ≥ 1, got "${value}"`);
    return n;
  };
  return {
    names,
    readme: parsed.values.readme === true,
    runs: count('runs'),
    pipes: count('pipes'),
    puts: count('puts'),
    clients: count('clients'),
    changes: count('changes'),
    tabs: count('tabs'),
    seconds: count('seconds'),
    rate: count('rate'),
  };
}

async function main() {
  const { names, readme, ...given } = options();
  // Only the options given on the command line override a benchmark's defaults.
  const overrides = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  // Stop whatever a benchmark started when told to stop, then exit as a shell would report it.
  for (const [signal, code] of /** @type {const} */ ([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])) {
    process.once(signal, () => void cleanupAll().finally(() => process.exit(code)));
  }
  const outDir = join(repoRoot, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  /** @type {SummaryRow[]} */
  const fresh = [];
  try {
    for (const name of names) {
      const { run, defaults } = BENCHMARKS[name];
      const log = (/** @type {string} */ line) => console.error(`[${name}] ${line}`);
      const measuredAt = new Date().toISOString();
      const load = Math.round(loadavg()[0] * 10) / 10;
      // The defaults hold every count the benchmark takes.
      const { results, report, rows = [] } = await run(/** @type {BenchOptions} */ ({ ...defaults, ...overrides, log }));
      const file = join(outDir, `${name}.json`);
      writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`\n${report}\n\nwritten: ${file}\n`);
      fresh.push(...rows.map((row) => ({ ...row, benchmark: name, measuredAt, load })));
    }
  } finally {
    await cleanupAll();
  }
  const summaryFile = join(outDir, 'summary.json');
  /** @type {SummaryRow[]} */
  const stored = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : [];
  const summary = mergeSummary(stored, fresh, Object.keys(BENCHMARKS));
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `The goals (this run's rows and the last figures of the others):\n\n${summaryMarkdown(summary, { withLoad: true })}\n\nwritten: ${summaryFile}`,
  );
  if (readme) {
    const readmeFile = join(repoRoot, 'README.md');
    writeFileSync(readmeFile, withSummary(readFileSync(readmeFile, 'utf8'), summaryMarkdown(summary, { withLoad: true })));
    console.log(`written: the table in ${readmeFile}`);
  }
}

runMain(main);
