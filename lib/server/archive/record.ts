import 'server-only';
import { EXTERNAL, isDeleteMarker, type ArchivedChange, type Change, type Entry } from '@/lib/pipes/entry';
import type { Role, SignedInVia } from '@/lib/server/auth';

/** Who made a console write: the user, their role, how they signed in, and which console instance. */
export type Attribution = { user: string; role: Role; via: SignedInVia; instance: string };

/**
 * One revision of the bucket as the archive keeps it, as JSON. The value is kept as the JSON
 * object it parsed to (the same value whatever bytes the writer used); a value that was not a
 * valid pipe keeps its stored text and the reason.
 */
export type ArchiveRecord = {
  bucket: string;
  /** The bucket's incarnation (its stream's creation time): a recreated bucket counts revisions from 1 again. */
  epoch: string;
  key: string;
  revision: number;
  operation: Change['operation'];
  updated: string;
  value?: unknown;
  raw?: string;
  invalid?: { message: string };
  /** Absent for a change no console wrote: its actor is "external". */
  by?: Attribution;
  note?: string;
  /** Written by the instance that made the change, with the revision its write was given: it replaces any other record. */
  confirmed?: true;
  /** The value was left out: with it the record would not fit in one NATS message. */
  truncated?: true;
};

/** Where a record belongs: the bucket and its incarnation. */
export type RecordScope = { bucket: string; epoch: string };

/** The record of `change`; `by` and `note` when a console made it. */
export function recordOf({ bucket, epoch }: RecordScope, change: Change, by?: Attribution): ArchiveRecord {
  const { key, revision, operation, updated } = change;
  const record: ArchiveRecord = { bucket, epoch, key, revision, operation, updated };
  if (!isDeleteMarker(change)) {
    if (change.value !== null) record.value = change.value;
    if (change.raw !== undefined) record.raw = change.raw;
    if (change.invalid) record.invalid = change.invalid;
  }
  if (by) record.by = by;
  if (change.note !== undefined) record.note = change.note;
  return record;
}

/** The change a record describes, as history and the changes API give it. */
export function changeOf(record: ArchiveRecord, source: ArchivedChange['source']): ArchivedChange {
  const { key, revision, updated } = record;
  const actor = record.by?.user ?? EXTERNAL;
  const note = record.note === undefined ? {} : { note: record.note };
  if (record.operation !== 'PUT') return { key, revision, updated, operation: record.operation, actor, ...note, source };
  const value = (record.value ?? null) as Entry['value']; // written by recordOf from a parsed Entry
  return {
    key,
    revision,
    updated,
    operation: 'PUT',
    value,
    ...(record.raw !== undefined ? { raw: record.raw } : {}),
    ...(record.invalid ? { invalid: record.invalid } : {}),
    actor,
    ...note,
    source,
  };
}

/** A record is a guess when no console said who made the change. */
export const isGuess = (record: ArchiveRecord): boolean => record.by === undefined;

/**
 * Whether `record` should replace `stored`, the record of the same revision already archived:
 * a known actor replaces a guess, and the writer's confirmed record replaces any other (an
 * instance may have labelled the revision with the loser of a race between two saves).
 */
export const supersedes = (record: ArchiveRecord, stored: ArchiveRecord): boolean =>
  (!isGuess(record) && isGuess(stored)) || (record.confirmed === true && stored.confirmed !== true && !sameAuthor(record, stored));

/** Whether two records name the same author and note (then a confirmation adds nothing worth a rewrite). */
const sameAuthor = (a: ArchiveRecord, b: ArchiveRecord): boolean =>
  a.note === b.note &&
  a.by?.user === b.by?.user &&
  a.by?.role === b.by?.role &&
  a.by?.via === b.by?.via &&
  a.by?.instance === b.by?.instance;

// Subject tokens are base64url: a key may hold "." (a subject separator), a time holds ":" and ".".
const token = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/**
 * One subject per revision of one incarnation of the bucket: a second record of a revision is
 * refused for good, and a key's records share a prefix.
 */
export const recordSubject = (stream: string, { bucket, epoch }: RecordScope, key: string, revision: number): string =>
  `${stream}.${bucket}.${token(epoch)}.${token(key)}.${revision}`;

/** The subjects of every record of `key` (or of every key) in one incarnation of the bucket. */
export const recordFilter = (stream: string, { bucket, epoch }: RecordScope, key?: string): string =>
  `${stream}.${bucket}.${token(epoch)}.${key === undefined ? '>' : `${token(key)}.*`}`;

export function parseRecord(text: string): ArchiveRecord | undefined {
  try {
    const r = JSON.parse(text) as ArchiveRecord;
    return typeof r?.key === 'string' && Number.isInteger(r.revision) && typeof r.operation === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
