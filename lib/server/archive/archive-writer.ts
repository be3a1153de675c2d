import 'server-only';
import { RETRY_BACKOFF, backoffDelay, type Backoff } from '@/lib/server/hub/watch-loop';
import { supersedes, type ArchiveRecord } from './record';

/** What the writer needs of the archive stream. */
export type ArchivePort = {
  /** Stores the record unless its revision has one already ('exists'). */
  append(record: ArchiveRecord): Promise<'stored' | 'exists'>;
  /** The record stored for the same revision, with its sequence. */
  existing(record: ArchiveRecord): Promise<{ seq: number; record: ArchiveRecord } | undefined>;
  /** Replaces the record `seq` of the same revision; 'exists' when another one replaced it first. */
  replace(record: ArchiveRecord, seq: number): Promise<'stored' | 'exists'>;
  /** Opens the stream, creating it again when it is missing; rejects while it cannot. */
  ensure(): Promise<void>;
  /** Whether an error means the archive cannot be written now (retry later), not that this record cannot. */
  isOutage(err: unknown): boolean;
};

export type WriterOptions = {
  /** Records held while the archive cannot be written; the oldest go first past this. */
  maxQueued?: number;
  /** Records written at once (64). */
  concurrency?: number;
  backoff?: Backoff;
  /** The archive could not be written (err), or can be again (undefined). */
  onHealth?: (err: unknown | undefined) => void;
  /** A record was given up: the queue was full, or the stream refused it. */
  onDropped?: (record: ArchiveRecord, why: unknown) => void;
};

/**
 * Writes records to the archive in the background, a few at a time, so archiving never waits
 * on the live path. Each revision is stored once: a second record of it is refused by the
 * stream, unless it says more (a known actor over a guess, the writer's confirmed record over a
 * label) — then it replaces the one there. While the archive cannot be written the records wait
 * in a bounded queue and the writer retries with a backoff, creating the stream again; a record
 * the stream refuses for itself is given up, never retried forever.
 */
export class ArchiveWriter {
  private readonly queue: ArchiveRecord[] = [];
  private inFlight = 0;
  private failing = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private pumpSoon: NodeJS.Immediate | undefined;
  private failures = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly options: Required<Omit<WriterOptions, 'onHealth' | 'onDropped'>> & WriterOptions;

  constructor(
    private readonly port: ArchivePort,
    options: WriterOptions = {},
  ) {
    this.options = { maxQueued: 10_000, concurrency: 64, backoff: RETRY_BACKOFF, ...options };
  }

  get degraded(): boolean {
    return this.failing;
  }

  get queued(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues a record; the writing starts on a later turn, after the change's events have gone out. */
  enqueue(record: ArchiveRecord): void {
    if (this.stopped) return;
    this.queue.push(record);
    if (this.queue.length > this.options.maxQueued) this.options.onDropped?.(this.queue.shift()!, 'the queue was full');
    this.pumpLater();
  }

  // On a later turn, once for all that asked in this one: the records it starts then go out to
  // NATS in one socket write, where one pump per acknowledgement sent one write per record.
  private pumpLater(): void {
    this.pumpSoon ??= setImmediate(() => {
      this.pumpSoon = undefined;
      this.pump();
    });
  }

  /** Resolves once every queued record is written (or the writer stopped). */
  idle(): Promise<void> {
    if (this.queued === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A reader found the archive missing: go into the retry that creates it again. */
  outage(err: unknown): void {
    if (this.stopped) return;
    this.enterFailing(err);
    this.scheduleRetry();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.pumpSoon) clearImmediate(this.pumpSoon);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(): void {
    while (!this.failing && !this.stopped && this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const record = this.queue.shift()!;
      this.inFlight++;
      this.write(record).then(
        () => this.settle(),
        (err: unknown) => {
          if (this.port.isOutage(err)) {
            this.queue.unshift(record);
            this.enterFailing(err);
          } else {
            this.options.onDropped?.(record, err);
          }
          this.settle();
        },
      );
    }
  }

  private async write(record: ArchiveRecord): Promise<void> {
    if ((await this.port.append(record)) === 'stored') return;
    const there = await this.port.existing(record);
    if (there && supersedes(record, there.record)) await this.port.replace(record, there.seq);
  }

  private enterFailing(err: unknown): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    this.options.onHealth?.(err);
  }

  private settle(): void {
    this.inFlight--;
    if (this.failing) {
      this.scheduleRetry();
      return;
    }
    this.failures = 0;
    this.pumpLater();
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.queued === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Once the writes in flight have settled: wait, open or create the stream, go on. */
  private scheduleRetry(): void {
    if (this.retryTimer || this.inFlight > 0 || this.stopped) return;
    this.failures++;
    this.retryTimer = setTimeout(
      () => {
        this.port.ensure().then(
          () => {
            this.retryTimer = undefined;
            this.failing = false;
            this.options.onHealth?.(undefined);
            this.pump();
            this.wakeIdle();
          },
          () => {
            this.retryTimer = undefined;
            this.scheduleRetry();
          },
        );
      },
      backoffDelay(this.failures, this.options.backoff),
    );
    this.retryTimer.unref?.();
  }
}
