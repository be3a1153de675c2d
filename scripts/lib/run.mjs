// Runs child commands with inherited output and remembers the live ones, so a script that is
// told to stop can pass the signal on instead of leaving orphans behind.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ScriptError } from './cli.mjs';

/** @type {Map<import('node:child_process').ChildProcess, Promise<number>>} */
const live = new Map();

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @returns {Promise<number>} the exit code; 128 + n when killed by signal n (as shells report it)
 */
export function run(cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: 'inherit', ...options });
  const exited = new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new ScriptError(`cannot run ${cmd}: ${err.message}`, { cause: err })));
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  live.set(child, exited);
  const forget = () => live.delete(child);
  exited.then(forget, forget);
  return exited;
}

/**
 * Sends `signal` to every child started by run() that is still running.
 * @param {NodeJS.Signals} signal
 */
export function signalChildren(signal) {
  for (const child of live.keys()) child.kill(signal);
}

export function hasLiveChildren() {
  return live.size > 0;
}

/** Stops every child started by run() that is still running (stopChild); resolves when all are gone. */
export async function stopChildren(graceMs = 10_000) {
  await Promise.all(
    [...live].map(([child, exited]) =>
      stopChild(
        child,
        exited.catch(() => undefined),
        { graceMs },
      ),
    ),
  );
}

/**
 * The one way a script stops a child it started: `signal` (SIGTERM), then SIGKILL if it is still
 * there after `graceMs` (an open SSE stream can hold a server up for ever); resolves once it has
 * exited, at once when it already has.
 * @param {import('node:child_process').ChildProcess} child
 * @param {Promise<unknown>} exited resolves when the child exits (made before it could)
 * @param {{ signal?: NodeJS.Signals, graceMs?: number }} [options]
 */
export async function stopChild(child, exited, { signal = 'SIGTERM', graceMs = 5_000 } = {}) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
