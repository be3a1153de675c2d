import 'server-only';
import type { Change } from '@/lib/pipes/entry';
import type { BucketInfo, BucketWatch } from '@/lib/server/nats';

export type WatchSource = {
  info(): Promise<BucketInfo>;
  watch(fromRevision?: number): Promise<BucketWatch>;
  /** The first change the bucket still holds at `revision` or after it. */
  changeFrom(revision: number): Promise<Change | undefined>;
};

export type WatchSink = {
  /** Highest revision applied so far. */
  revision(): number;
  /** A complete, consistent state of the bucket — each key's last change, delete markers too (first load, or after it was recreated). */
  replace(state: Change[], revision: number, reason: 'initial' | 'recreated', epoch: string): void;
  apply(change: Change): void;
  /** The watch skipped `change` and the loop found it in the bucket (applied next). */
  skipped?(change: Change): void;
  /** A cycle failed; the loop retries after a backoff. */
  failed(err: unknown, attempt: number): void;
};

export type Backoff = { initialMs: number; maxMs: number };

/** How the console retries a NATS resource it cannot open (the link, the bucket, the archive). */
export const RETRY_BACKOFF: Backoff = { initialMs: 250, maxMs: 5_000 };

export function backoffDelay(attempt: number, { initialMs, maxMs }: Backoff): number {
  return attempt <= 0 ? 0 : Math.min(maxMs, initialMs * 2 ** (attempt - 1));
}

/**
 * Keeps the sink equal to the bucket. Each cycle checks the stream (a new `created` time or a
 * last revision below ours means the bucket was recreated: take a fresh snapshot), then
 * watches from the last applied revision + 1. When the watch ends or fails, the next cycle
 * starts at once after progress, or after a capped exponential backoff when none was made:
 * never a busy loop. `restart()` cuts the current watch and any backoff short.
 *
 * A live watch can skip a change the bucket still holds: nats-server 2.9 moves a consumer past
 * every message it has not yet delivered when a purge (a rollup) lands right behind them. So a
 * revision that is not the next one is a gap to check: whatever the bucket still holds in it is
 * read from the stream and applied first. A gap of messages the bucket dropped (history limit,
 * purge) costs one read.
 */
export class WatchLoop {
  private stopped = false;
  private synced = false;
  private epoch: string | undefined;
  private current: BucketWatch | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly source: WatchSource,
    private readonly sink: WatchSink,
    private readonly backoff: Backoff = { initialMs: 100, maxMs: 5_000 },
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the current watch (and any wait) so the next cycle starts now. */
  restart(): void {
    this.current?.stop();
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.restart();
    await this.running;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let progressed = false;
      try {
        progressed = await this.cycle();
      } catch (err) {
        if (!this.stopped) this.sink.failed(err, failures + 1);
      }
      this.current = undefined;
      failures = progressed ? 0 : failures + 1;
      if (!this.stopped) await this.pause(backoffDelay(failures, this.backoff));
    }
  }

  private async cycle(): Promise<boolean> {
    const info = await this.source.info();
    const recreated = this.epoch !== undefined && (info.created !== this.epoch || info.lastRevision < this.sink.revision());
    this.epoch = info.created;
    if (!this.synced || recreated) return this.snapshotThenFollow(info, recreated ? 'recreated' : 'initial');
    return this.follow(this.sink.revision() + 1);
  }

  private async snapshotThenFollow(info: BucketInfo, reason: 'initial' | 'recreated'): Promise<boolean> {
    const watch = await this.begin(this.source.watch());
    if (!watch) return false;
    this.synced = false;
    const staged = new Map<string, Change>();
    let revision = 0;
    // An empty bucket replays nothing, so nothing would ever say the replay ended.
    if (info.values === 0) this.complete(staged, 0, reason, info.created);
    let progressed = this.synced;
    for await (const { change, pending } of watch) {
      if (this.stopped) break;
      progressed = true;
      if (this.synced) {
        await this.applyInOrder(change);
        continue;
      }
      revision = Math.max(revision, change.revision);
      staged.set(change.key, change);
      // The replay's last message has nothing pending behind it (isUpdate is off by one).
      if (pending === 0) this.complete(staged, revision, reason, info.created);
    }
    return progressed;
  }

  private complete(staged: Map<string, Change>, revision: number, reason: 'initial' | 'recreated', epoch: string): void {
    this.sink.replace([...staged.values()], revision, reason, epoch);
    this.synced = true;
  }

  private async follow(fromRevision: number): Promise<boolean> {
    const watch = await this.begin(this.source.watch(fromRevision));
    let progressed = false;
    for await (const { change } of watch ?? []) {
      if (this.stopped) break;
      await this.applyInOrder(change);
      progressed = true;
    }
    return progressed;
  }

  /** Applies `change` after whatever the watch skipped before it that the bucket still holds. */
  private async applyInOrder(change: Change): Promise<void> {
    for (let next = this.sink.revision() + 1; next < change.revision;) {
      const held = await this.source.changeFrom(next);
      if (!held || held.revision >= change.revision) break;
      this.sink.skipped?.(held);
      this.sink.apply(held);
      next = held.revision + 1;
    }
    this.sink.apply(change);
  }

  /** Makes `watch` the one restart() can cut; undefined when the loop stopped meanwhile. */
  private async begin(opening: Promise<BucketWatch>): Promise<BucketWatch | undefined> {
    const watch = await opening;
    if (this.stopped) {
      watch.stop();
      return undefined;
    }
    this.current = watch;
    return watch;
  }

  private pause(ms: number): Promise<void> {
    if (ms === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
