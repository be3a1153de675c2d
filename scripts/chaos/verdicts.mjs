// The campaign's end-of-run checks other than linearizability, pure so each is unit-tested on
// histories made to break it. Each returns the problems it found, as sentences for the report.

/** @typedef {import('./linearizability.d.mts').Operation} Operation */
/** @typedef {import('./verdicts.d.mts').Acked} Acked */
/** @typedef {import('./verdicts.d.mts').ArchivedRevision} ArchivedRevision */

/**
 * A counter is exact when its final value counts the increments that took effect: every
 * acknowledged one (each gave a value no other acknowledged one gave) and some of those whose
 * outcome is unknown, never more.
 * @param {string} key
 * @param {Operation[]} ops its compare-and-set increments (value: the count written, as text)
 * @param {number} final the count the bucket holds at the end (0 when absent)
 * @returns {{ acked: number, unknown: number, tookEffect: number, problems: string[] }}
 */
export function counterVerdict(key, ops, final) {
  const increments = ops.filter((op) => op.kind === 'cas');
  const acked = increments.filter((op) => op.result !== undefined && op.result !== 'refused');
  const unknown = increments.filter((op) => op.result === undefined).length;
  const problems = [];
  /** @type {Map<string, number>} */
  const seen = new Map();
  for (const op of acked) {
    const value = /** @type {{ value: string }} */ (op).value;
    seen.set(value, (seen.get(value) ?? 0) + 1);
  }
  for (const [value, times] of seen)
    if (times > 1) problems.push(`${key}: ${times} acknowledged increments all wrote ${value} (a lost update)`);
  const highest = Math.max(0, ...acked.map((op) => Number(/** @type {{ value: string }} */ (op).value)));
  if (final < highest) problems.push(`${key}: the bucket holds ${final}, but an increment to ${highest} was acknowledged`);
  if (final < acked.length) problems.push(`${key}: the bucket holds ${final} after ${acked.length} acknowledged increments`);
  if (final > acked.length + unknown)
    problems.push(`${key}: the bucket holds ${final}, more than the ${acked.length} acknowledged and ${unknown} unknown increments`);
  return { acked: acked.length, unknown, tookEffect: final - acked.length, problems };
}

/**
 * The archive holds each revision once: every acknowledged change that the bucket kept until an
 * archive could read it has exactly one record, of its key, operation and value; no revision of
 * one incarnation has two records.
 * @param {ArchivedRevision[]} records every record the archive holds
 * @param {Acked[]} required
 * @returns {{ problems: string[], missing: number }}
 */
export function archiveVerdict(records, required) {
  /** @type {Map<string, ArchivedRevision[]>} */
  const byRevision = new Map();
  for (const r of records) {
    const id = `${r.epoch}#${r.revision}`;
    byRevision.set(id, [...(byRevision.get(id) ?? []), r]);
  }
  const problems = [];
  for (const [id, held] of byRevision) {
    if (held.length > 1)
      problems.push(`revision ${id.split('#')[1]} has ${held.length} records (keys ${held.map((r) => r.key).join(', ')})`);
  }
  let missing = 0;
  for (const want of required) {
    const held = byRevision.get(`${want.epoch}#${want.revision}`)?.[0];
    if (!held) {
      missing++;
      problems.push(`${want.key}: acknowledged ${want.operation} at revision ${want.revision} is not in the archive`);
    } else if (held.key !== want.key || held.operation !== want.operation || (want.sql !== undefined && held.sql !== want.sql)) {
      problems.push(
        `revision ${want.revision}: the archive says ${held.operation} ${held.key} ${held.sql ?? ''}, the writer was told ${want.operation} ${want.key} ${want.sql ?? ''}`,
      );
    }
  }
  return { problems, missing };
}

/**
 * A gap in a client's ids is legal only over revisions the bucket no longer held when the
 * console read past them: each skipped change was removed by a later purge of its key, or
 * pushed out by `history` later changes of it (the stream then delivers what replaced it, and
 * the end checks that every client holds the bucket). `revisions` names the key and operation
 * of every revision the campaign knows of (the archive, the writers' answers).
 * @param {string} client
 * @param {{ from: number, to: number, at: number }[]} gaps
 * @param {Map<number, { key: string, operation: string }>} revisions
 * @param {number} history the bucket's revisions kept per key
 * @param {(key: string, at: number) => boolean} purgedBy whether a purge of `key` had been sent by
 *   time `at`: one sent after the jump cannot have removed what the console skipped
 * @returns {{ problems: string[], unnamed: number }}
 */
export function gapVerdict(client, gaps, revisions, history, purgedBy) {
  /** @type {Map<string, { revision: number, operation: string }[]>} key → its changes, ascending */
  const ofKey = new Map();
  for (const [revision, { key, operation }] of [...revisions].sort((a, b) => a[0] - b[0])) {
    const changes = ofKey.get(key);
    if (changes) changes.push({ revision, operation });
    else ofKey.set(key, [{ revision, operation }]);
  }
  const problems = [];
  let unnamed = 0;
  for (const { from, to, at } of gaps) {
    for (let r = from + 1; r < to; r++) {
      const key = revisions.get(r)?.key;
      if (key === undefined) {
        unnamed++;
        continue;
      }
      const later = (ofKey.get(key) ?? []).filter((c) => c.revision > r);
      const dropped = (later.some((c) => c.operation === 'PURGE') && purgedBy(key, at)) || later.length >= history;
      if (!dropped) problems.push(`${client}: jumped from ${from} to ${to} over revision ${r} of ${key}, which the bucket still held`);
    }
  }
  return { problems, unnamed };
}
