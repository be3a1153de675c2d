// `npm test`: every check CI runs, in order, each as a child with its own output; a failed stage
// does not stop the later ones. `npm test -- --only unit,integration` runs a subset.
// Node built-ins only (runs before npm ci).
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { messageOf, repoRoot, runMain, ScriptError } from './lib/cli.mjs';
import { ensureDependencies } from './lib/ensure-deps.mjs';
import { buildIfStale } from './lib/build.mjs';
import { ensureCommand, findCommand, pathWith } from './lib/ensure-system.mjs';
import { hasLiveChildren, run, signalChildren } from './lib/run.mjs';

const bin = (/** @type {string} */ path) => join(repoRoot, 'node_modules', path);
const vitest = bin('vitest/vitest.mjs');

/** @typedef {{ name: string, runs?: string[][], needs?: ('nats-server' | 'chromium' | 'clickhouse-server')[] }} Stage */

const tsc = bin('typescript/bin/tsc');

/**
 * @type {Stage[]} `runs`: the node commands of the stage, one after the other (all run, even
 *   after a failure); `needs`: system commands the stage's tests spawn.
 */
const STAGES = [
  // ESLint, then Prettier: an unformatted file fails the stage (`npm run format` fixes it).
  {
    name: 'lint',
    runs: [
      [bin('eslint/bin/eslint.js'), '.'],
      [bin('prettier/bin/prettier.cjs'), '--check', '.'],
    ],
  },
  // The app's TypeScript, then the plain-JS scripts (and lib/'s .mjs) checked from their JSDoc.
  {
    name: 'typecheck',
    runs: [
      [tsc, '--noEmit'],
      [tsc, '-p', 'scripts'],
    ],
  },
  // The ClickHouse launcher's tests start a real one (the groundwork of Run).
  { name: 'unit', runs: [[vitest, 'run', '--project', 'unit']], needs: ['clickhouse-server'] },
  { name: 'build' }, // next build when stale: integration and e2e tests run the production server
  { name: 'integration', runs: [[vitest, 'run', '--project', 'integration']], needs: ['nats-server'] },
  { name: 'e2e', runs: [[bin('@playwright/test/cli.js'), 'test']], needs: ['nats-server', 'chromium'] },
  // The fault campaign for two minutes, its seed fixed so a red run replays. Without faults of
  // the NATS nodes: Debian's nats-server 2.9.10 loses or forks a replicated stream's messages
  // under them (a killed node, a frozen leader), a server bug `npm run chaos` shows and the
  // README describes; the consoles' faults, cuts and the re-creation stay.
  {
    name: 'chaos',
    runs: [
      [
        join(repoRoot, 'scripts/chaos/run.mjs'),
        '--seconds',
        '120',
        '--seed',
        '20261202',
        '--without',
        'node-kill,leader-kill,node-freeze,leader-freeze',
      ],
    ],
    needs: ['nats-server'],
  },
];
const STAGE_NAMES = STAGES.map((stage) => stage.name);

const USAGE = `Usage: npm test [-- --only <stages>]

Runs ${STAGE_NAMES.join(', ')} in that order; a failed stage does not stop the others
(the stages that run the server are not run when build failed). Exit code 1 when any stage failed.

  --only <a,b,…>   run only these stages (in the order above), e.g. --only unit,integration
  -h, --help       show this help`;

/** @param {string[]} argv */
function selectedStages(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new ScriptError(`${messageOf(err)}\n\n${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.values.only === undefined) return STAGES;
  const wanted = parsed.values.only
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = wanted.filter((name) => !STAGE_NAMES.includes(name));
  if (unknown.length > 0 || wanted.length === 0) {
    const what = unknown.length > 0 ? `unknown stage ${unknown.map((n) => `"${n}"`).join(', ')}` : 'no stage given';
    throw new ScriptError(`--only: ${what}; choose from ${STAGE_NAMES.join(', ')}, comma-separated.`);
  }
  return STAGES.filter((stage) => wanted.includes(stage.name));
}

/**
 * Checks the system commands the chosen stages need and returns the env for the children.
 * @param {Stage[]} stages
 */
async function childEnv(stages) {
  const env = { ...process.env };
  const needs = new Set(stages.flatMap((stage) => stage.needs ?? []));
  if (needs.has('nats-server')) {
    // Tests spawn the bare name `nats-server`; Debian keeps it in /usr/sbin, often not on PATH.
    env.PATH = pathWith(dirname(await ensureCommand('nats-server', 'nats-server')), env.PATH);
  }
  if (needs.has('clickhouse-server')) {
    env.PATH = pathWith(dirname(await ensureCommand('clickhouse-server', 'clickhouse-server')), env.PATH);
  }
  if (needs.has('chromium')) {
    const given = env.CHROMIUM_PATH && findCommand(env.CHROMIUM_PATH);
    env.CHROMIUM_PATH = given || (await ensureCommand('chromium', 'chromium'));
  }
  return env;
}

/**
 * @param {Stage} stage
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ status: 'passed' | 'failed', note?: string }>}
 */
async function runStage(stage, env) {
  if (stage.name === 'build') {
    try {
      await buildIfStale();
      return { status: 'passed' };
    } catch (err) {
      if (err instanceof ScriptError) return { status: 'failed', note: err.message };
      throw err;
    }
  }
  const codes = [];
  for (const args of stage.runs ?? []) codes.push(await run(process.execPath, args, { cwd: repoRoot, env }));
  const failed = codes.find((code) => code !== 0);
  return failed === undefined ? { status: 'passed' } : { status: 'failed', note: `exit code ${failed}` };
}

/** @param {number} ms */
function formatSeconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** @typedef {{ name: string, status: 'passed' | 'failed' | 'not run', ms?: number, note?: string }} StageResult */

/** @param {StageResult[]} results */
function printSummary(results) {
  const width = Math.max(...results.map((r) => r.name.length), 'stage'.length);
  const lines = results.map((r) => {
    const time = (r.ms === undefined ? '' : formatSeconds(r.ms)).padStart(8);
    return `  ${r.name.padEnd(width)}  ${r.status.padEnd(7)}${time}${r.note ? `  ${r.note}` : ''}`;
  });
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  console.log(
    [
      '',
      '─'.repeat(40),
      `  ${'stage'.padEnd(width)}  ${'result'.padEnd(7)}${'time'.padStart(8)}`,
      ...lines,
      '─'.repeat(40),
      `${passed} passed, ${failed} failed`,
    ].join('\n'),
  );
  return failed;
}

/** @type {NodeJS.Signals | null} */
let interrupted = null;

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  if (interrupted) return;
  interrupted = signal;
  if (signal === 'SIGINT') {
    // Ctrl-C in a terminal already reached the children (same process group); a second SIGINT
    // would make Playwright abandon its cleanup. Escalate only if one is still running.
    setTimeout(() => signalChildren('SIGTERM'), 3_000).unref();
  } else {
    signalChildren(signal);
  }
  setTimeout(() => hasLiveChildren() && signalChildren('SIGKILL'), 15_000).unref();
}

runMain(async () => {
  const stages = selectedStages(process.argv.slice(2));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  await ensureDependencies();
  const env = await childEnv(stages);

  /** @type {StageResult[]} */
  const results = [];
  for (const stage of stages) {
    if (interrupted) {
      results.push({ name: stage.name, status: 'not run', note: `interrupted (${interrupted})` });
      continue;
    }
    if (stage.name !== 'build' && stage.needs && results.find((r) => r.name === 'build')?.status === 'failed') {
      results.push({ name: stage.name, status: 'failed', note: 'not run: the build failed' });
      continue;
    }
    const commands = stage.runs?.map((args) => `node ${args.map((a) => a.replace(`${repoRoot}/`, '')).join(' ')}`).join('; ');
    console.log(`\n━━ ${stage.name} ━━ ${commands ?? 'next build when stale'}\n`);
    const startedAt = performance.now();
    const result = await runStage(stage, env);
    results.push({ name: stage.name, ms: performance.now() - startedAt, ...result });
  }

  const failed = printSummary(results);
  if (interrupted) process.exit(128 + constants.signals[interrupted]);
  process.exit(failed > 0 ? 1 : 0);
});
