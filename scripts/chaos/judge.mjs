// The campaign's end judgement of what the writers and the clients saw, from what it recorded
// and read: linearizability and counters per key, the clients' order and gaps.
import { performance } from 'node:perf_hooks';
import { checkRegister, minimalFailing } from './linearizability.mjs';
import { counterVerdict, gapVerdict } from './verdicts.mjs';

/** @typedef {import('./linearizability.d.mts').Operation} Operation */
/** @typedef {import('./workload.mjs').History} History */
/** @typedef {Map<string, { revision: number, sql: string }>} State  key → its current value */

/** A purge that late after a change is taken to have come after an archive read the change. */
const PURGE_HORIZON_MS = 30_000;

/**
 * Every key's history, per incarnation of the bucket, checked for linearizability with the
 * incarnation's last state as a final read; the counters checked for exactness.
 * @param {History} history  @param {Map<string, State>} lastStates  @param {string[]} counterKeys  @param {number} seed
 */
export function judgeHistories(history, lastStates, counterKeys, seed) {
  /** @type {string[]} */
  const problems = [];
  const verdicts = { linearizable: 0, undecided: 0, checked: 0 };
  /** @type {import('./campaign.d.mts').Report['counters']} */
  const counters = [];
  for (const [incarnation, keys] of history.ops) {
    const state = lastStates.get(incarnation) ?? new Map();
    for (const [key, ops] of keys) {
      const counter = counterKeys.includes(key);
      const last = state.get(key);
      const now = performance.now();
      const finalRead = /** @type {Operation} */ ({
        kind: 'read',
        invoked: now,
        returned: now,
        result: last ? { revision: last.revision, value: counter ? String(countOf(last.sql)) : last.sql } : null,
      });
      const verdict = checkRegister([...ops, finalRead]);
      verdicts.checked++;
      if (verdict.linearizable) verdicts.linearizable++;
      else if (verdict.undecided) {
        verdicts.undecided++;
        const unknown = ops.filter((op) => op.result === undefined).length;
        problems.push(`${key}: linearizability undecided, the search gave up (${ops.length} operations, ${unknown} of unknown outcome)`);
      } else {
        const minimal = minimalFailing([...ops, finalRead]);
        problems.push(
          `${key} is not linearizable (seed ${seed}); a failing part of its history${minimal.length > 40 ? ` (its last 40 of ${minimal.length} operations)` : ''}:\n${minimal
            .slice(-40)
            .map((op) => `    ${JSON.stringify(op)}`)
            .join('\n')}`,
        );
      }
      if (counter) {
        const result = counterVerdict(key, ops, last ? countOf(last.sql) : 0);
        counters.push({ key, epoch: incarnation, final: last ? countOf(last.sql) : 0, ...result });
        problems.push(...result.problems);
      }
    }
  }
  return { verdicts, counters, problems };
}

/**
 * Each client's own complaints, and every gap in its ids checked against what the archive and
 * the writers name (per incarnation: a gap after the re-creation began is the new bucket's).
 * @param {import('./sse-client.mjs').SseClient[]} sseClients  @param {History} history
 * @param {import('./verdicts.d.mts').ArchivedRevision[]} records
 * @param {{ epoch: string, recreatedAt: number | undefined, depth: number }} where the current incarnation, when the re-creation began, the bucket's history
 */
export function judgeClients(sseClients, history, records, { epoch, recreatedAt, depth }) {
  /** @type {string[]} */
  const problems = [];
  let unnamed = 0;
  for (const w of sseClients) {
    problems.push(...w.order.violations.map((v) => `${w.name}: ${v}`));
    for (const incarnation of new Set([...history.ops.keys(), epoch])) {
      const gaps = w.order.gaps.filter((g) =>
        incarnation === epoch ? recreatedAt === undefined || g.at >= recreatedAt : g.at < (recreatedAt ?? Infinity),
      );
      const revisions = new Map([
        ...records
          .filter((r) => r.epoch === incarnation)
          .map((r) => /** @type {const} */ ([r.revision, { key: r.key, operation: r.operation }])),
        ...history.acked
          .filter((a) => a.epoch === incarnation)
          .map((a) => /** @type {const} */ ([a.revision, { key: a.key, operation: a.operation }])),
      ]);
      const purgedBy = (/** @type {string} */ key, /** @type {number} */ at) =>
        history.rawTried.some((t) => t.epoch === incarnation && t.key === key && t.kind === 'purge' && t.invoked < at);
      const result = gapVerdict(w.name, gaps, revisions, depth, purgedBy);
      unnamed += result.unnamed;
      problems.push(...result.problems);
    }
  }
  return { problems, unnamed };
}

/**
 * A raw change a purge of its key may have removed before any archive read it: a purge that
 * could have landed after it (it had not returned when the change was sent) and was sent soon
 * after it.
 * @param {import('./verdicts.d.mts').Acked} change  @param {History} history  @param {string[]} counterKeys
 */
export function purgedSoonAfter(change, history, counterKeys) {
  if (counterKeys.includes(change.key)) return false;
  const ops = history.ops.get(change.epoch)?.get(change.key) ?? [];
  const sent = ops.find((op) => op.result && op.result !== 'refused' && op.result.revision === change.revision)?.invoked ?? 0;
  return history.rawTried.some(
    (t) =>
      t.epoch === change.epoch &&
      t.key === change.key &&
      t.kind === 'purge' &&
      t.invoked < sent + PURGE_HORIZON_MS &&
      t.invoked > sent - 10_000,
  );
}

/** @param {string} sql */
const countOf = (sql) => Number(/SELECT (\d+)/.exec(sql)?.[1] ?? NaN);
