// The one clock of the benchmarks, and the record of when a run started and how busy the machine
// was: other work on it skews every timing.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loads } from './proc.mjs';

/** Wall-clock milliseconds with sub-ms precision, comparable across processes on one machine. */
export const now = () => performance.timeOrigin + performance.now();

/** When the run started and the load averages then; `end()`: how long it took and the load at the end. */
export function startRun() {
  const startedAt = new Date().toISOString();
  const wallStart = now();
  const loadavgBefore = loads();
  return { startedAt, loadavgBefore, end: () => ({ durationMs: now() - wallStart, loadavgAfter: loads() }) };
}

/** @typedef {ReturnType<typeof startRun>} RunClock */

/**
 * What every result file says of the machine: node, cores, and the load before and after.
 * @template {Record<string, unknown>} M
 * @param {RunClock} runClock
 * @param {number[]} loadavgAfter
 * @param {M} [more] e.g. the Chromium version
 * @returns {{ node: string, cpus: number, loadavgBefore: number[], loadavgAfter: number[] } & M}
 */
export function machineFacts(runClock, loadavgAfter, more) {
  return {
    node: process.version,
    cpus: availableParallelism(),
    .../** @type {M} */ (more ?? {}),
    loadavgBefore: runClock.loadavgBefore,
    loadavgAfter,
  };
}
