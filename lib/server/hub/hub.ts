import 'server-only';
import type { Change, Entry } from '@/lib/pipes/entry';
import { config, type Config } from '@/lib/server/config';
import { UnavailableError } from '@/lib/server/errors';
import { errorMessage, log } from '@/lib/server/log';
import { BucketMissingError, LinkState, openNatsLink, PipeBucket, type NatsLink } from '@/lib/server/nats';
import { encodeEvent } from '@/lib/live/sse';
import type { StatusData } from '@/lib/live/protocol';
import { ActorLedger } from './actor-ledger';
import { ChangeRing, type Frame } from './change-ring';
import { PipeCache, type Snapshot } from './pipe-cache';
import { backoffDelay, WatchLoop } from './watch-loop';

export type HubStatus = {
  nats: LinkState;
  /** The first snapshot of the bucket has been loaded. */
  ready: boolean;
  revision: number;
  pipes: number;
  bucket: string;
  lastError?: string;
};

/**
 * What listeners get; `frame` is the event already encoded for SSE as bytes, once for all
 * clients: every stream writes the same Buffer.
 */
export type HubEvent =
  | { type: 'change'; change: Change; frame: Buffer }
  | { type: 'snapshot'; snapshot: Snapshot; reason: 'initial' | 'recreated' }
  | { type: 'status'; status: HubStatus; frame: Buffer };

export type HubSettings = Pick<Config, 'nats' | 'bucket' | 'history'> & { live?: Pick<Config['live'], 'ringEvents' | 'ringBytes'> };

export type HubListener = (event: HubEvent) => void;

// How often the stream is checked for a recreated bucket or a stalled watch, in case an
// advisory was missed (the watch's own heartbeat is 30 s).
const STREAM_CHECK_MS = 5_000;

// nats-server 2.9 announces a stream deleted before it has removed the stream's files: a stream
// created again under the same name at once (on the advisory) loses its files to that removal —
// "error creating store", or it takes writes that no consumer or get ever sees and that are gone
// after a restart (half the time in test/integration/watch.test.ts). One second later it is safe.
const RECREATE_AFTER_MS = 1_000;

/**
 * The one watched cache of the pipes bucket per process: it owns the NATS link, keeps the cache
 * equal to the bucket through WatchLoop, and fans every change out to its listeners.
 */
export class Hub {
  private readonly cache = new PipeCache();
  private readonly listeners = new Set<HubListener>();
  private readonly actors = new ActorLedger();
  private readonly ring: ChangeRing;
  private snapshotFrameCache: { snapshot: Snapshot; frame: Buffer } | undefined;
  private snapshotJsonCache: { snapshot: Snapshot; json: string } | undefined;
  private link: NatsLink | undefined;
  private bucket: PipeBucket | undefined;
  private loop: WatchLoop | undefined;
  private isReady = false;
  private lastError: string | undefined;
  private readyWaiters: Array<() => void> = [];
  private revisionWaiters: Array<{ revision: number; resolve: () => void }> = [];
  private stopLifecycle: (() => void) | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private stalledAt: number | undefined;
  /** When the bucket was first found missing, while it still is. */
  private missingSince: number | undefined;
  private stopped = false;
  private starting: Promise<void> | undefined;

  constructor(private readonly settings: HubSettings) {
    this.ring = new ChangeRing(settings.live?.ringEvents ?? 10_000, settings.live?.ringBytes ?? 16 * 1024 ** 2);
  }

  /** Connects and starts watching; resolves once connected. Retries forever, never throws. */
  start(): Promise<void> {
    this.starting ??= this.connectAndWatch();
    return this.starting;
  }

  status(): HubStatus {
    return {
      nats: this.link?.state() ?? LinkState.disconnected,
      ready: this.isReady,
      revision: this.cache.revision,
      pipes: this.cache.size,
      bucket: this.settings.bucket,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  snapshot(): Snapshot {
    return this.cache.snapshot();
  }

  /** The current snapshot as JSON text (GET /api/pipes), serialised once per revision. */
  snapshotJson(): string {
    const snapshot = this.cache.snapshot();
    if (this.snapshotJsonCache?.snapshot !== snapshot) this.snapshotJsonCache = { snapshot, json: JSON.stringify(snapshot) };
    return this.snapshotJsonCache.json;
  }

  /** The current snapshot as one SSE frame, encoded once per revision for every client. */
  snapshotFrame(): Buffer {
    const snapshot = this.cache.snapshot();
    if (this.snapshotFrameCache?.snapshot !== snapshot) {
      this.snapshotFrameCache = { snapshot, frame: Buffer.from(encodeEvent('snapshot', this.snapshotJson(), snapshot.revision)) };
    }
    return this.snapshotFrameCache.frame;
  }

  /** Encoded changes after `revision`, or undefined when a snapshot is needed instead. */
  changesSince(revision: number): Frame[] | undefined {
    return this.isReady ? this.ring.since(revision) : undefined;
  }

  /** The current link status as an SSE `status` frame. */
  statusFrame(): Buffer {
    return Buffer.from(encodeEvent('status', JSON.stringify(this.statusData())));
  }

  get(key: string): Entry | undefined {
    return this.cache.get(key);
  }

  subscribe(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Waits until the first snapshot is loaded; UnavailableError after `timeoutMs`. */
  async ready(timeoutMs = 5_000): Promise<void> {
    void this.start();
    if (this.isReady) return;
    await this.waitFor(this.readyWaiters, (resolve) => resolve, timeoutMs, 'the pipes cache is not loaded yet (is NATS reachable?)');
  }

  /** Waits until the cache has applied `revision` (read-your-writes for the API); false on timeout. */
  async caughtUp(revision: number, timeoutMs = 2_000): Promise<boolean> {
    if (this.cache.revision >= revision) return true;
    return this.waitFor(this.revisionWaiters, (resolve) => ({ revision, resolve }), timeoutMs, '').then(
      () => true,
      () => false,
    );
  }

  /** The bucket for writes, once connected; UnavailableError while NATS is not reachable. */
  async writableBucket(): Promise<PipeBucket> {
    await this.ready();
    if (!this.bucket || this.link?.state() !== LinkState.connected) {
      throw new UnavailableError('NATS is unreachable; nothing was written');
    }
    return this.bucket;
  }

  /** Labels the change this console is about to write, so its event carries the actor. */
  expectWrite(key: string, actor: string): () => void {
    return this.actors.expect(key, actor);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.checkTimer);
    this.stopLifecycle?.();
    await this.loop?.stop();
    await this.link?.close();
  }

  private async connectAndWatch(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        this.link ??= await openNatsLink(this.settings.nats, (state, event) => this.onLinkState(state, event));
        this.bucket = await PipeBucket.open(this.link, this.settings.bucket, this.settings.history);
        break;
      } catch (err) {
        this.noteError('cannot open the pipes bucket', err);
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, { initialMs: 250, maxMs: 5_000 })));
      }
    }
    if (this.stopped || !this.bucket) return;
    this.stopLifecycle = this.bucket.watchLifecycle(() => this.loop?.restart());
    this.loop = new WatchLoop(
      { info: () => this.bucketInfo(), watch: (from) => this.bucket!.watch(from) },
      {
        revision: () => this.cache.revision,
        replace: (entries, revision, reason) => this.replace(entries, revision, reason),
        apply: (change) => this.apply(change),
        failed: (err, attempt) => this.noteError(`watch failed (attempt ${attempt})`, err),
      },
    );
    this.loop.start();
    this.checkTimer = setInterval(() => void this.checkStream(), STREAM_CHECK_MS);
    this.checkTimer.unref();
    log.info('watching pipes bucket', { bucket: this.settings.bucket, servers: this.settings.nats.servers });
  }

  /**
   * Stream info; a bucket deleted under us is created again (SPEC §1: create when missing), but
   * only once it has stayed missing for RECREATE_AFTER_MS: until then the loop retries with its
   * backoff, and another writer may create it its own way meanwhile.
   */
  private async bucketInfo() {
    try {
      const info = await this.bucket!.info();
      this.missingSince = undefined;
      return info;
    } catch (err) {
      if (!(err instanceof BucketMissingError) || !this.link) throw err;
      this.missingSince ??= Date.now();
      if (Date.now() - this.missingSince < RECREATE_AFTER_MS) throw err;
      log.warn('pipes bucket is missing; creating it again', { bucket: this.settings.bucket });
      this.bucket = await PipeBucket.open(this.link, this.settings.bucket, this.settings.history);
      this.missingSince = undefined;
      return this.bucket.info();
    }
  }

  /** Safety net for a missed advisory or a watch that stopped delivering. */
  private async checkStream(): Promise<void> {
    if (!this.isReady || this.link?.state() !== LinkState.connected) return;
    try {
      const info = await this.bucket!.info();
      const behind = info.lastRevision > this.cache.revision;
      if (info.lastRevision < this.cache.revision) this.loop?.restart();
      else if (behind && this.stalledAt === this.cache.revision) this.loop?.restart();
      this.stalledAt = behind ? this.cache.revision : undefined;
    } catch (err) {
      if (err instanceof BucketMissingError) this.loop?.restart();
    }
  }

  private onLinkState(state: LinkState, event: 'reconnected' | 'changed'): void {
    // Resume from the last revision now, not when the watch's 30 s heartbeat notices.
    if (event === 'reconnected') this.loop?.restart();
    log.info(`NATS ${state}`);
    this.emit({ type: 'status', status: this.status(), frame: this.statusFrame() });
  }

  private replace(entries: Entry[], revision: number, reason: 'initial' | 'recreated'): void {
    for (const entry of entries) this.warnIfInvalid(entry);
    this.cache.replace(entries, revision);
    this.ring.reset(revision);
    this.lastError = undefined;
    if (reason === 'recreated') log.warn('pipes bucket was recreated; cache rebuilt', { revision, pipes: entries.length });
    if (!this.isReady) {
      this.isReady = true;
      log.info('pipes cache loaded', { revision, pipes: entries.length });
    }
    this.emit({ type: 'snapshot', snapshot: this.cache.snapshot(), reason });
    this.settle();
  }

  private apply(change: Change): void {
    const labelled = this.actors.label(change);
    if (!this.cache.apply(labelled)) return;
    if (labelled.operation === 'PUT') this.warnIfInvalid(labelled);
    const frame = Buffer.from(encodeEvent(labelled.operation === 'PUT' ? 'put' : 'delete', JSON.stringify(labelled), labelled.revision));
    this.ring.push({ revision: labelled.revision, bytes: frame });
    this.emit({ type: 'change', change: labelled, frame });
    this.settle();
  }

  private settle(): void {
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    this.revisionWaiters = this.revisionWaiters.filter((w) => {
      if (w.revision > this.cache.revision) return true;
      w.resolve();
      return false;
    });
  }

  private emit(event: HubEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        log.error('hub listener failed', { error: errorMessage(err) });
      }
    }
  }

  private statusData(): StatusData {
    const s = this.status();
    return { nats: s.nats, ready: s.ready, revision: s.revision };
  }

  private warnIfInvalid(entry: Entry): void {
    if (entry.invalid) log.warn('invalid pipe kept as invalid', { key: entry.key, revision: entry.revision, reason: entry.invalid.message });
  }

  private noteError(what: string, err: unknown): void {
    this.lastError = `${what}: ${errorMessage(err)}`;
    log.warn(this.lastError);
  }

  private waitFor<W>(list: W[], make: (resolve: () => void) => W, timeoutMs: number, message: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = make(() => {
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        const i = list.indexOf(waiter);
        if (i >= 0) list.splice(i, 1);
        reject(new UnavailableError(message));
      }, timeoutMs);
      list.push(waiter);
    });
  }
}

const holder = globalThis as typeof globalThis & { __pipesHub?: Hub };

/** The process's hub, created on first use (Next evaluates modules more than once). */
export function getHub(): Hub {
  holder.__pipesHub ??= new Hub(config());
  return holder.__pipesHub;
}
