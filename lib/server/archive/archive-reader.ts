import 'server-only';
import { EXTERNAL, type Change } from '@/lib/pipes/entry';
import type { ArchiveStream, StoredText } from '@/lib/server/nats';
import { log } from '@/lib/server/log';
import { parseRecord, recordFilter, recordSubject, type ArchiveRecord, type RecordScope } from './record';

/** Which changes `/api/changes` wants; each is optional. */
export type ChangeFilter = { key?: string; actor?: string; operations?: ReadonlyArray<Change['operation']> };

export type StoredRecord = { seq: number; record: ArchiveRecord };

/**
 * Reads the archive without loading it: a key's records by listing its subjects (each names a
 * revision) and fetching the page; the newest changes across keys by reading back from the
 * stream's end in windows that grow until the page is full.
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
   * first. The key's subjects name their revisions: list them, then fetch only the page's
   * records (more, batch by batch, when `wanted` turns some down).
   */
  async keyRecords(
    key: string,
    before: number,
    count: number,
    wanted: (r: ArchiveRecord) => boolean = () => true,
  ): Promise<ArchiveRecord[]> {
    const revisions = (await this.stream.subjects(recordFilter(this.name, this.scope, key)))
      .map((subject) => Number(subject.slice(subject.lastIndexOf('.') + 1)))
      .filter((revision) => revision < before)
      .sort((a, b) => b - a);
    const kept: ArchiveRecord[] = [];
    for (let i = 0; i < revisions.length && kept.length < count; i += count) {
      const batch = await Promise.all(revisions.slice(i, i + count).map((revision) => this.record(key, revision)));
      for (const stored of batch) if (stored && wanted(stored.record) && kept.length < count) kept.push(stored.record);
    }
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
