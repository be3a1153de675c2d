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
};

/** The record of `change`; `by` and `note` when a console made it. */
export function recordOf(bucket: string, change: Change, by?: Attribution): ArchiveRecord {
  const { key, revision, operation, updated } = change;
  const record: ArchiveRecord = { bucket, key, revision, operation, updated };
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

/** The subject token of a key: base64url, since a key may hold "." (a subject separator). */
export const keyToken = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** One subject per revision: a second record of a revision is refused for good, and a key's records share a prefix. */
export const recordSubject = (stream: string, bucket: string, key: string, revision: number): string =>
  `${stream}.${bucket}.${keyToken(key)}.${revision}`;

/** The subjects of every record of `key` (or of every key). */
export const recordFilter = (stream: string, bucket: string, key?: string): string =>
  key === undefined ? `${stream}.${bucket}.>` : `${stream}.${bucket}.${keyToken(key)}.*`;

export function parseRecord(text: string): ArchiveRecord | undefined {
  try {
    const r = JSON.parse(text) as ArchiveRecord;
    return typeof r?.key === 'string' && Number.isInteger(r.revision) && typeof r.operation === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
