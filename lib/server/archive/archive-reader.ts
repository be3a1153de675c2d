import 'server-only';
import { EXTERNAL, type Change } from '@/lib/pipes/entry';
import type { ArchiveStream, StoredText } from '@/lib/server/nats';
import { log } from '@/lib/server/log';
import { parseRecord, recordFilter, recordSubject, type ArchiveRecord, type RecordScope } from './record';

/** Which changes `/api/changes` wants; each is optional. */
export type ChangeFilter = { key?: string; actor?: string; operations?: ReadonlyArray<Change['operation']> };

export type StoredRecord = { seq: number; record: ArchiveRecord };

/**
 * Reads the archive without loading it: a key's records through a subject filter, keeping
 * only the page asked for; the newest changes across keys by reading back from the stream's
 * end in windows that grow until the page is full.
 */
export class ArchiveReader {
  constructor(
    private readonly stream: ArchiveStream,
    private readonly scope: RecordScope,
  ) {}

  private get name(): string {
    return this.stream.settings.stream;
  }

  /** The record of one revision, if the archive holds it. */
  async record(key: string, revision: number): Promise<StoredRecord | undefined> {
    const stored = await this.stream.get(recordSubject(this.name, this.scope, key, revision));
    return stored && this.parse(stored);
  }

  /**
   * The newest `count` records of `key` below revision `before` that `wanted` accepts, newest
   * first. Reads every record of the key once, holding only `count` of them.
   */
  async keyRecords(
    key: string,
    before: number,
    count: number,
    wanted: (r: ArchiveRecord) => boolean = () => true,
  ): Promise<ArchiveRecord[]> {
    const kept: ArchiveRecord[] = []; // newest first, at most `count`
    await this.stream.scan(recordFilter(this.name, this.scope, key), 1, Infinity, (message) => {
      const stored = this.parse(message);
      if (!stored || stored.record.revision >= before || !wanted(stored.record)) return;
      insertNewestFirst(kept, stored.record, count);
    });
    return kept;
  }

  /** A page of changes across keys, newest first in archive order, and the cursor of the next page. */
  async changes(
    filter: ChangeFilter,
    before: number | undefined,
    limit: number,
  ): Promise<{ records: StoredRecord[]; next: number | null }> {
    const { first, last } = await this.stream.bounds();
    const subject = recordFilter(this.name, this.scope, filter.key);
    const found: StoredRecord[] = [];
    let end = Math.min(before ?? last + 1, last + 1);
    let window = limit;
    while (end > first && found.length < limit) {
      const start = Math.max(first, end - window);
      const batch: StoredRecord[] = [];
      await this.stream.scan(subject, start, end, (message) => {
        const stored = this.parse(message);
        if (stored && matches(stored.record, filter)) batch.push(stored);
      });
      found.push(...batch.reverse());
      end = start;
      window *= 4; // a filter that matches little reads ever larger windows, not one window per page
    }
    const records = found.slice(0, limit);
    const more = found.length > limit || end > first;
    return { records, next: more && records.length > 0 ? records.at(-1)!.seq : null };
  }

  private parse(message: StoredText): StoredRecord | undefined {
    const record = parseRecord(message.text);
    if (!record)
      log.warn('the change archive holds a message that is not a record; skipped', { seq: message.seq, subject: message.subject });
    return record && { seq: message.seq, record };
  }
}

function matches(record: ArchiveRecord, filter: ChangeFilter): boolean {
  if (filter.actor !== undefined && (record.by?.user ?? EXTERNAL) !== filter.actor) return false;
  return !filter.operations || filter.operations.includes(record.operation);
}

/** Keeps `list` the newest `count` records by revision, newest first. */
function insertNewestFirst(list: ArchiveRecord[], record: ArchiveRecord, count: number): void {
  if (list.length === count && list[count - 1]!.revision >= record.revision) return;
  let i = list.length;
  while (i > 0 && list[i - 1]!.revision < record.revision) i--;
  list.splice(i, 0, record);
  if (list.length > count) list.pop();
}
