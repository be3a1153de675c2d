// `npm run chaos -- --seconds N --seed S`: the fault campaign (campaign.mjs), its report, and
// exit code 1 when any check failed. The seed draws the faults and the workload's choices, so
// `--seed` replays a failing campaign's faults (the system's own timing still varies).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { buildIfStale } from '../lib/build.mjs';
import { messageOf, runMain, ScriptError } from '../lib/cli.mjs';
import { runCampaign } from './campaign.mjs';
import { ALL_KINDS } from './plan.mjs';

const USAGE = `Usage: npm run chaos -- [--seconds N] [--seed S] [--without KIND,…]

Runs a 3-node NATS cluster, two consoles, writers and SSE clients for N seconds (default 60,
at least 30) under faults drawn from seed S (default: a new one, printed), then checks that no
acknowledged write was lost, every key's history is linearizable, the counters are exact, the
archive holds each change once and every client converged. Exit code 1 when one failed.

  --without KIND,…  leave these kinds of fault out: ${ALL_KINDS.join(', ')}`;

/** @param {string[]} argv */
function options(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        seconds: { type: 'string' },
        seed: { type: 'string' },
        without: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ScriptError(`${messageOf(err)}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const seconds = Number(values.seconds ?? 60);
  const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
  if (!Number.isInteger(seconds) || seconds < 30)
    throw new ScriptError(`--seconds must be a whole number of at least 30, not ${values.seconds}\n\n${USAGE}`);
  if (!Number.isInteger(seed) || seed < 0) throw new ScriptError(`--seed must be a whole number ≥ 0, not ${values.seed}\n\n${USAGE}`);
  const without = (values.without ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = without.filter((k) => !ALL_KINDS.includes(/** @type {import('./plan.d.mts').FaultKind} */ (k)));
  if (unknown.length > 0) throw new ScriptError(`--without: unknown kind ${unknown.join(', ')}; choose from ${ALL_KINDS.join(', ')}`);
  return { seconds, seed, kinds: ALL_KINDS.filter((k) => !without.includes(k)) };
}

runMain(async () => {
  const { seconds, seed, kinds } = options(process.argv.slice(2));
  await buildIfStale(); // the consoles run the production build
  const left = ALL_KINDS.filter((k) => !kinds.includes(k));
  console.log(`chaos: ${seconds} s, seed ${seed}${left.length ? `, without ${left.join(', ')}` : ''} (load ${loadavg()[0].toFixed(1)})`);
  const report = await runCampaign({ seconds, seed, kinds, log: (line) => console.log(`  ${line}`) });
  const c = report.convergence;
  const lines = [
    '',
    `faults injected   ${Object.values(report.faults).reduce((a, b) => a + b, 0)} of ${report.planned} planned: ${Object.entries(
      report.faults,
    )
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ')}`,
    `operations        ${report.ops.attempted} sent: ${report.ops.acked} acknowledged, ${report.ops.refused} refused (412), ${report.ops.unknown} outcome unknown; ${report.ops.notSent} refused at connect`,
    `lost              ${report.lost} (acknowledged changes missing from the archive, counters short of an acknowledged increment)`,
    `linearizable      ${report.verdicts.linearizable} of ${report.verdicts.checked} key histories${report.verdicts.undecided ? ` (${report.verdicts.undecided} undecided)` : ''}`,
    ...report.counters.map(
      (k) => `counter           ${k.key}: ${k.final} = ${k.acked} acknowledged + ${k.tookEffect} of ${k.unknown} unknown`,
    ),
    `archive           ${report.archive.records} records; ${report.archive.required - report.archive.missing} of ${report.archive.required} acknowledged changes held`,
    `convergence       longest ${c.longestMs === undefined ? '–' : `${Math.round(c.longestMs)} ms`}${c.after ? ` (after ${c.after})` : ''}`,
    ...report.clients.map(
      (w) => `${w.name.padEnd(18)}${w.connections} connections, ${w.events} events, ${w.snapshots} snapshots, ${w.gaps} gaps`,
    ),
    `load              ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  ];
  console.log(lines.join('\n'));
  if (report.problems.length > 0) {
    console.error(`\n✖ ${report.problems.length} problem(s):\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
    if (report.logs) console.error(`\nthe consoles' logs: ${report.logs}`);
    console.error(`\nreplay: npm run chaos -- --seconds ${seconds} --seed ${seed}${left.length ? ` --without ${left.join(',')}` : ''}`);
    process.exit(1);
  }
  console.log(`\n✔ every check held (seed ${seed})`);
  process.exit(0);
});
