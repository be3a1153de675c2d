import 'server-only';
import type { Change } from '@/lib/pipes/entry';
import { UnavailableError } from '@/lib/server/errors';
import type { Hub, HubEvent } from '@/lib/server/hub';
import { errorMessage, log } from '@/lib/server/log';
import {
  ArchiveMissingError,
  ArchiveStream,
  ValueTooLargeError,
  type ArchiveSettings,
  type NatsLink,
  type PipeBucket,
} from '@/lib/server/nats';
import { ArchiveReader } from './archive-reader';
import { ArchiveWriter, type ArchivePort } from './archive-writer';
import { changeOf, parseRecord, recordOf, recordSubject, type ArchiveRecord, type Attribution, type RecordScope } from './record';

export type ArchiveState = 'starting' | 'ok' | 'degraded' | 'off';

/** PIPES_AUDIT_STREAM=off: no archive (a benchmark's baseline); history and changes answer 503. */
export const ARCHIVE_OFF = 'off';

/** Revisions looked up at once while filling in what the archive lacks. */
const BACKFILL_BATCH = 64;
/** The first fill-in waits this long after the cache is loaded: the first requests come first. */
const FIRST_FILL_IN_DELAY_MS = 2_000;

/**
 * The change archive of one console instance: it records every change the hub applies (with
 * the actor and note when a console made it), fills in what the bucket still holds that the
 * archive lacks — telling the hub the actors the archive knows of the revisions the keys are
 * at — and serves the readers. It never sits on the live path: records are written in the
 * background, and a missing archive degrades history, not the watch.
 */
export class Archiver {
  private stream: ArchiveStream | undefined;
  private bucket: PipeBucket | undefined;
  private readonly writer: ArchiveWriter;
  private state: ArchiveState = 'starting';
  private lastError: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private backfilling: Promise<void> | undefined;
  private firstFillIn: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ArchiveSettings & { bucket: string },
    private readonly hub: Hub,
  ) {
    this.writer = new ArchiveWriter(this.port(), {
      onHealth: (err) => (err === undefined ? this.recovered() : this.degrade(err)),
      onDropped: (r, why) =>
        log.warn('change archive: a record was given up; the revision is recorded as "external" when next seen', {
          key: r.key,
          revision: r.revision,
          why: errorMessage(why),
        }),
    });
  }

  /**
   * Records from now on — changes applied while the stream is still being opened wait in the
   * writer's queue — then opens the stream once the bucket is open, and fills in. Never throws.
   */
  async start(opened: Promise<{ link: NatsLink; bucket: PipeBucket }>): Promise<void> {
    if (this.settings.stream === ARCHIVE_OFF) {
      this.state = 'off';
      return;
    }
    this.unsubscribe = this.hub.subscribe((event) => this.onHubEvent(event), 'internal');
    const { link, bucket } = await opened;
    this.bucket = bucket;
    const { replicas } = await bucket.info().catch(() => ({ replicas: 1 }));
    try {
      this.stream = await ArchiveStream.on(link, this.settings, replicas);
      await this.stream.ensure();
      this.state = 'ok';
    } catch (err) {
      this.writer.outage(err); // the writer retries until the stream is there, then fills in
      return;
    }
    if (this.hub.status().ready) this.fillInSoon();
  }

  /** The fill-in after the first load, a little later (the snapshot event of a recreated bucket starts one at once). */
  private fillInSoon(): void {
    clearTimeout(this.firstFillIn);
    this.firstFillIn = setTimeout(() => {
      this.firstFillIn = undefined;
      void this.backfill();
    }, FIRST_FILL_IN_DELAY_MS);
    this.firstFillIn.unref?.();
  }

  stop(): void {
    clearTimeout(this.firstFillIn);
    this.unsubscribe?.();
    this.writer.stop();
  }

  status(): { archive: ArchiveState; stream: string; queued: number; filling: boolean; error?: string } {
    return {
      archive: this.state,
      stream: this.settings.stream,
      queued: this.writer.queued,
      // A fill-in running, or the one after the first load still to come.
      filling: this.backfilling !== undefined || this.firstFillIn !== undefined,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** Resolves once what was queued so far is written and any fill-in is done. */
  async idle(): Promise<void> {
    await this.backfilling;
    await this.writer.idle();
  }

  /**
   * The writer's own record of a change it made, with the revision its write was given: it
   * replaces whatever another instance recorded for that revision (a label can be wrong when two
   * saves race).
   */
  confirm(change: Change, by: Attribution): void {
    if (this.state === 'off' || !this.hub.epoch()) return;
    this.writer.enqueue({ ...recordOf(this.scope(), change, by), confirmed: true });
  }

  /** Runs a read; a missing or unreachable archive is a 503 that names it, and starts its re-creation. */
  async read<T>(op: (reader: ArchiveReader) => Promise<T>): Promise<T> {
    if (!this.stream || this.state === 'off' || !this.hub.epoch()) throw this.unavailable();
    try {
      const result = await op(new ArchiveReader(this.stream, this.scope()));
      if (this.state === 'degraded' && !this.writer.degraded) this.recovered();
      return result;
    } catch (err) {
      if (err instanceof ArchiveMissingError) this.writer.outage(err);
      if (err instanceof UnavailableError) throw this.unavailable(err);
      throw err;
    }
  }

  private scope(): RecordScope {
    return { bucket: this.settings.bucket, epoch: this.hub.epoch() };
  }

  private unavailable(cause?: unknown): UnavailableError {
    if (this.state === 'off') return new UnavailableError('the change archive is turned off (PIPES_AUDIT_STREAM=off)');
    const why = cause ? `: ${errorMessage(cause)}` : this.lastError ? `: ${this.lastError}` : ' yet';
    return new UnavailableError(`the change archive (stream ${this.settings.stream}) is unavailable${why}`, { cause });
  }

  private onHubEvent(event: HubEvent): void {
    if (event.type === 'change') this.writer.enqueue(recordOf(this.scope(), event.change, event.by));
    else if (event.type === 'snapshot') {
      if (event.reason === 'recreated') void this.backfill();
      else this.fillInSoon();
    }
  }

  /**
   * Archives, as "external", every revision the bucket holds that the archive lacks, and tells
   * the hub what the archive says of the revisions the keys are at. Waits for the writer between
   * batches, so a large bucket never floods its queue.
   */
  private backfill(): Promise<void> {
    if (!this.stream || this.state !== 'ok') return Promise.resolve();
    this.backfilling ??= this.fillIn(this.stream).finally(() => (this.backfilling = undefined));
    return this.backfilling;
  }

  private async fillIn(stream: ArchiveStream): Promise<void> {
    const bucket = this.bucket;
    if (!bucket) return;
    const scope = this.scope();
    let batch: Change[] = [];
    let added = 0;
    const flush = async () => {
      const found = await Promise.all(batch.map((c) => stream.get(recordSubject(this.settings.stream, scope, c.key, c.revision))));
      batch.forEach((change, i) => {
        const record = found[i] && parseRecord(found[i].text);
        if (record) this.tellHub(record);
        else {
          this.writer.enqueue(recordOf(scope, change));
          added++;
        }
      });
      batch = [];
      await this.writer.idle();
    };
    try {
      await bucket.everyHeld(async (change) => {
        batch.push(change);
        if (batch.length >= BACKFILL_BATCH) await flush();
      });
      await flush();
      if (added > 0) log.info('change archive: filled in revisions the bucket holds and the archive lacked', { revisions: added });
    } catch (err) {
      if (err instanceof ArchiveMissingError) this.writer.outage(err);
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
    if (this.state !== 'ok') log.info('change archive available');
    this.state = 'ok';
    this.lastError = undefined;
    void this.backfill(); // what was written meanwhile, into a stream perhaps created anew
  }

  /** The writer's view of the stream, opened lazily: until then every write is an outage. */
  private port(): ArchivePort {
    const subject = (r: ArchiveRecord) => recordSubject(this.settings.stream, r, r.key, r.revision);
    const stream = () => {
      if (!this.stream) throw new UnavailableError('the change archive is not open yet');
      return this.stream;
    };
    return {
      append: (r) => publishRecord(r, (text) => stream().append(subject(r), text)),
      replace: (r, seq) => publishRecord(r, (text) => stream().replace(subject(r), text, seq)),
      existing: async (r) => {
        const stored = await stream().get(subject(r));
        const record = stored && parseRecord(stored.text);
        return stored && record ? { seq: stored.seq, record } : undefined;
      },
      ensure: async () => stream().ensure(),
      isOutage: (err) => err instanceof UnavailableError,
    };
  }
}

/**
 * Publishes the record as JSON; one that would not fit in a NATS message (a value near the
 * bucket's limit, plus the record's fields and note) is kept without its value, and says so.
 */
async function publishRecord(record: ArchiveRecord, publish: (text: string) => Promise<'stored' | 'exists'>): Promise<'stored' | 'exists'> {
  try {
    return await publish(JSON.stringify(record));
  } catch (err) {
    if (!(err instanceof ValueTooLargeError)) throw err;
    const { value: _value, raw: _raw, ...rest } = record;
    return publish(JSON.stringify({ ...rest, truncated: true } satisfies ArchiveRecord));
  }
}
