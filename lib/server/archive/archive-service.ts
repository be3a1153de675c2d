import 'server-only';
import { EXTERNAL, isDeleteMarker, type ArchivedChange, type Change, type DeleteMarker, type Entry } from '@/lib/pipes/entry';
import { NotFoundError } from '@/lib/server/errors';
import { getHub, getSupervisor } from '@/lib/server/hub';
import { checkKey } from '@/lib/server/pipe-service';
import type { ChangeFilter } from './archive-reader';
import { inTurns } from './in-turns';
import { getArchiver } from './instance';
import { changeOf, type ArchiveRecord } from './record';

// The archive's API: history (the bucket's own and the archive's, merged), changes across keys,
// and deleted pipes. Cursors are opaque numbers: a revision for history, an archive sequence
// for changes.

export type Page = { limit: number; before?: number };

const DELETED_CONCURRENCY = 8;

/** A key's revisions, newest first: what the bucket keeps and what the archive keeps, merged by revision. */
export async function pipeHistory(key: string, page: Page): Promise<{ history: ArchivedChange[]; next: string | null }> {
  checkKey(key);
  const before = page.before ?? Number.MAX_SAFE_INTEGER;
  const bucket = await getSupervisor().writableBucket();
  const [held, archived] = await Promise.all([
    bucket.history(key),
    getArchiver().read((reader) => reader.keyRecords(key, before, page.limit + 1)),
  ]);
  const byRevision = new Map<number, ArchivedChange>(archived.map((r) => [r.revision, changeOf(r, 'archive')]));
  // The change the key is at may not be archived yet (milliseconds after a write): the cache knows its actor.
  const current = getHub().get(key) ?? getHub().deletedMarker(key);
  for (const change of held) {
    if (change.revision >= before) continue;
    const archived = byRevision.get(change.revision);
    const labelled = current?.revision === change.revision && current.actor !== undefined ? current : undefined;
    // An "external" guess in the archive says less than the label this cache holds.
    const known = archived && (archived.actor !== EXTERNAL || !labelled) ? archived : (labelled ?? archived);
    byRevision.set(change.revision, fromBucket(change, known));
  }
  if (byRevision.size === 0 && page.before === undefined)
    throw new NotFoundError(`neither the bucket nor the archive holds anything for "${key}"`);
  const all = [...byRevision.values()].sort((a, b) => b.revision - a.revision);
  const history = all.slice(0, page.limit);
  return { history, next: all.length > page.limit ? String(history.at(-1)!.revision) : null };
}

/** Changes across keys, newest first, from the archive. */
export async function listChanges(filter: ChangeFilter, page: Page): Promise<{ changes: ArchivedChange[]; next: string | null }> {
  if (filter.key !== undefined) checkKey(filter.key);
  const hub = getHub();
  const { records, next } = await getArchiver().read((reader) => reader.changes(filter, page.before, page.limit));
  const changes = records
    .map(({ record }) => changeOf(record, sourceOf(record, hub.get(record.key) ?? hub.deletedMarker(record.key))))
    .sort((a, b) => b.revision - a.revision);
  return { changes, next: next === null ? null : String(next) };
}

export type DeletedPipe = DeleteMarker & { actor: string; last: Entry };

/** Keys whose last change is a delete or purge and whose last value is still known, newest deletion first. */
export async function listDeleted(): Promise<{ deleted: DeletedPipe[] }> {
  const hub = getHub();
  await hub.ready();
  const bucket = await getSupervisor().writableBucket();
  const markers = hub.deleted().sort((a, b) => b.revision - a.revision);
  // A few keys at a time: each costs a history read and an archive lookup or two.
  const deleted = await inTurns(markers, DELETED_CONCURRENCY, async (marker): Promise<DeletedPipe | undefined> => {
    const held = await bucket.history(marker.key);
    const lastHeld = held.filter((c): c is Entry => !isDeleteMarker(c) && c.revision < marker.revision).at(-1);
    const [record, archivedPut] = await getArchiver().read((reader) =>
      Promise.all([
        reader.record(marker.key, marker.revision),
        lastHeld ? Promise.resolve([]) : reader.keyRecords(marker.key, marker.revision, 1, (r) => r.operation === 'PUT'),
      ]),
    );
    const last = lastHeld ?? archivedPut.map((r) => changeOf(r, 'archive') as Entry)[0];
    if (!last) return undefined;
    // Until the delete is archived (milliseconds), the cache's label says who made it.
    const said = record ? changeOf(record.record, 'archive') : { actor: marker.actor ?? EXTERNAL, note: marker.note };
    return { ...marker, actor: said.actor, ...(said.note === undefined ? {} : { note: said.note }), last: plainEntry(last) };
  });
  return { deleted: deleted.filter((d): d is DeletedPipe => d !== undefined) };
}

/** A revision the bucket holds, with what the archive knows of who made it and why. */
function fromBucket(change: Change, known: { actor?: string; note?: string } | undefined): ArchivedChange {
  const actor = known?.actor ?? change.actor ?? EXTERNAL;
  const note = known?.note ?? change.note;
  const labelled = { ...change, actor, source: 'bucket' as const };
  if (note === undefined) delete labelled.note;
  else labelled.note = note;
  return labelled;
}

/** The last value of a deleted pipe, as an entry (without the archive's actor and source). */
function plainEntry(change: Entry | ArchivedChange): Entry {
  const entry = { ...change } as Partial<ArchivedChange>;
  delete entry.source;
  return entry as Entry;
}

/**
 * Where a change across keys is held, without reading every key's history: the revision a key
 * is at is in the bucket; older ones are marked as the archive's (the bucket may keep a few).
 */
function sourceOf(record: ArchiveRecord, current: Change | undefined): ArchivedChange['source'] {
  return current?.revision === record.revision ? 'bucket' : 'archive';
}
