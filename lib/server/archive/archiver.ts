import 'server-only';
import { UnavailableError } from '@/lib/server/errors';
import type { Hub, HubEvent } from '@/lib/server/hub';
import { backoffDelay } from '@/lib/server/hub/watch-loop';
import { errorMessage, log } from '@/lib/server/log';
import { ArchiveStream, BucketMissingError, type ArchiveSettings, type NatsLink, type PipeBucket } from '@/lib/server/nats';
import type { Change } from '@/lib/pipes/entry';
import { ArchiveReader } from './archive-reader';
import { ArchiveWriter, type ArchivePort } from './archive-writer';
import { changeOf, parseRecord, recordOf, recordSubject, type ArchiveRecord } from './record';

export type ArchiveState = 'starting' | 'ok' | 'degraded' | 'off';

/** PIPES_AUDIT_STREAM=off: no archive (a benchmark's baseline); history and changes answer 503. */
export const ARCHIVE_OFF = 'off';

/** Revisions looked up at once while filling in what the archive lacks. */
const BACKFILL_BATCH = 64;

/**
 * The change archive of one console instance: it records every change the hub applies (with
 * the actor and note when a console made it), fills in on start what the bucket still holds
 * that the archive lacks — and tells the hub the actors the archive knows of the changes the
 * keys are at — and serves the readers. It never sits on the live path: records are written
 * in the background, and a missing archive degrades history, not the watch.
 */
export class Archiver {
  private stream: ArchiveStream | undefined;
  private writer: ArchiveWriter | undefined;
  private bucket: PipeBucket | undefined;
  private state: ArchiveState = 'starting';
  private lastError: string | undefined;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private backfilling: Promise<void> | undefined;

  constructor(
    private readonly settings: ArchiveSettings & { bucket: string },
    private readonly hub: Hub,
  ) {}

  /** Opens (or creates) the stream once the bucket is open, retrying; then archives. Never throws. */
  async start(opened: Promise<{ link: NatsLink; bucket: PipeBucket }>): Promise<void> {
    if (this.settings.stream === ARCHIVE_OFF) {
      this.state = 'off';
      return;
    }
    const { link, bucket } = await opened;
    this.bucket = bucket;
    for (let attempt = 1; !this.stopped && !this.stream; attempt++) {
      try {
        const { replicas } = await bucket.info();
        this.stream = await ArchiveStream.open(link, this.settings, replicas);
      } catch (err) {
        this.degrade(err);
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, { initialMs: 250, maxMs: 5_000 })));
      }
    }
    if (this.stopped || !this.stream) return;
    this.writer = new ArchiveWriter(this.port(this.stream), {
      onHealth: (err) => (err === undefined ? this.recovered() : this.degrade(err)),
      onDropped: (r) =>
        log.warn('change archive queue full: a record was dropped; it is archived as "external" when next seen', {
          key: r.key,
          revision: r.revision,
        }),
    });
    this.state = 'ok';
    this.lastError = undefined;
    this.unsubscribe = this.hub.subscribe((event) => this.onHubEvent(event), 'internal');
    if (this.hub.status().ready) void this.backfill();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.writer?.stop();
  }

  status(): { archive: ArchiveState; stream: string; queued: number; error?: string } {
    return {
      archive: this.state,
      stream: this.settings.stream,
      queued: this.writer?.queued ?? 0,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** Resolves once what was queued so far is written and any fill-in is done (for tests and shutdown). */
  async settled(): Promise<void> {
    await this.backfilling;
    await this.writer?.idle();
  }

  /** The reader, or an UnavailableError naming the archive. */
  reader(): ArchiveReader {
    if (!this.stream) throw this.unavailable();
    return new ArchiveReader(this.stream, this.settings.bucket);
  }

  /** Runs a read, mapping a missing or unreachable archive to a 503 that names it. */
  async read<T>(op: (reader: ArchiveReader) => Promise<T>): Promise<T> {
    try {
      return await op(this.reader());
    } catch (err) {
      if (err instanceof UnavailableError || err instanceof BucketMissingError) {
        if (err instanceof BucketMissingError) this.degrade(err);
        throw this.unavailable(err);
      }
      throw err;
    }
  }

  private unavailable(cause?: unknown): UnavailableError {
    if (this.state === 'off') return new UnavailableError('the change archive is turned off (PIPES_AUDIT_STREAM=off)');
    const why = cause ? `: ${errorMessage(cause)}` : this.lastError ? `: ${this.lastError}` : ' yet';
    return new UnavailableError(`the change archive (stream ${this.settings.stream}) is unavailable${why}`, { cause });
  }

  private onHubEvent(event: HubEvent): void {
    if (event.type === 'change') this.writer?.enqueue(recordOf(this.settings.bucket, event.change, event.by));
    else if (event.type === 'snapshot') void this.backfill();
  }

  /**
   * Archives, as "external", every revision the bucket holds that the archive lacks, and tells
   * the hub what the archive says of the revisions the keys are at.
   */
  private backfill(): Promise<void> {
    this.backfilling ??= this.fillIn().finally(() => (this.backfilling = undefined));
    return this.backfilling;
  }

  private async fillIn(): Promise<void> {
    const { bucket, stream } = this;
    if (!bucket || !stream) return;
    let batch: Change[] = [];
    let added = 0;
    const flush = async () => {
      const found = await Promise.all(
        batch.map((c) => stream.get(recordSubject(this.settings.stream, this.settings.bucket, c.key, c.revision))),
      );
      batch.forEach((change, i) => {
        const record = found[i] && parseRecord(found[i].text);
        if (record) this.tellHub(record);
        else {
          this.writer?.enqueue(recordOf(this.settings.bucket, change));
          added++;
        }
      });
      batch = [];
    };
    try {
      await bucket.everyHeld(async (change) => {
        batch.push(change);
        if (batch.length >= BACKFILL_BATCH) await flush();
      });
      await flush();
      if (added > 0) log.info('change archive: filled in revisions the bucket holds and the archive lacked', { revisions: added });
    } catch (err) {
      log.warn('change archive: could not fill in from the bucket; trying again when the archive recovers', { error: errorMessage(err) });
    }
  }

  private tellHub(record: ArchiveRecord): void {
    if (!record.by && record.note === undefined) return;
    const { actor, note } = changeOf(record, 'archive');
    this.hub.attribute(record.key, record.revision, actor, note);
  }

  private degrade(err: unknown): void {
    if (this.state !== 'degraded')
      log.warn('change archive unavailable; the live path goes on, history waits', { error: errorMessage(err) });
    this.state = 'degraded';
    this.lastError = errorMessage(err);
  }

  private recovered(): void {
    log.info('change archive available again');
    this.state = 'ok';
    this.lastError = undefined;
    void this.backfill(); // what was written meanwhile, and a stream created anew
  }

  private port(stream: ArchiveStream): ArchivePort {
    const subject = (r: ArchiveRecord) => recordSubject(this.settings.stream, this.settings.bucket, r.key, r.revision);
    return {
      append: (r) => stream.append(subject(r), JSON.stringify(r)),
      replace: (r, seq) => stream.replace(subject(r), JSON.stringify(r), seq),
      existing: async (r) => {
        const stored = await stream.get(subject(r));
        const record = stored && parseRecord(stored.text);
        return stored && record ? { seq: stored.seq, record } : undefined;
      },
      ensure: () => stream.ensure(),
    };
  }
}
