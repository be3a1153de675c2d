import 'server-only';
import { isDeleteMarker, type Change, type DeleteMarker, type Entry } from '@/lib/pipes/entry';
import type { Attribution } from '@/lib/server/archive/record';
import { LinkState, type JetStreamState, type Snapshot, type StatusData } from '@/lib/live/protocol';
import { encodeEvent } from '@/lib/live/sse';
import { LIVE_DEFAULTS } from '@/lib/defaults.mjs';
import { UnavailableError } from '@/lib/server/errors';
import { errorMessage, log } from '@/lib/server/log';
import { ActorLedger, type WriteIntent } from './actor-ledger';
import { ChangeRing, type Frame } from './change-ring';
import { PipeCache } from './pipe-cache';
import type { WatchSink } from './watch-loop';

export type HubStatus = StatusData & {
  pipes: number;
  bucket: string;
  lastError?: string;
};

/** The link as the bucket supervisor sees it. */
export type HubLink = { nats: LinkState; jetstream: JetStreamState };

/**
 * What listeners get; `frame` is the event already encoded for SSE as bytes, once for all
 * clients: every stream writes the same Buffer.
 */
export type HubEvent =
  | { type: 'change'; change: Change; frame: Buffer; by?: Attribution }
  | { type: 'snapshot'; snapshot: Snapshot; reason: 'initial' | 'recreated' }
  | { type: 'status'; status: HubStatus; frame: Buffer };

export type HubListener = (event: HubEvent) => void;

/**
 * What an event stream gets: the changes applied since the last turn of the event loop as one
 * batch — their frames, and the same bytes joined once for every stream, so a stream makes one
 * socket write per batch however many changes it holds — then snapshots and statuses, in order.
 */
export type ClientEvent =
  | { type: 'changes'; frames: readonly Frame[]; bytes: Buffer; last: number }
  | Extract<HubEvent, { type: 'snapshot' | 'status' }>
  // The process is shutting down: the stream ends, so its browser reconnects to another instance.
  | { type: 'end' };

export type ClientListener = (event: ClientEvent) => void;

export type HubOptions = {
  bucket: string;
  ringEvents?: number;
  ringBytes?: number;
  /**
   * Runs the batch's delivery after `delayMs` (0: after the current turn of the event loop);
   * setImmediate or setTimeout, and performance.now as `now`, unless a test passes its own.
   */
  schedule?: (run: () => void, delayMs: number) => void;
  now?: () => number;
};

/**
 * The least time between two batches to the event streams. At a few changes a second every
 * change goes out on the next turn; under a flood, changes gather for up to this long, so each
 * stream makes one socket write per batch rather than one per change.
 */
export const BATCH_GAP_MS = 4;

const realNow = () => performance.now();
const realSchedule = (run: () => void, delayMs: number) => void (delayMs > 0 ? setTimeout(run, delayMs) : setImmediate(run));

export const JETSTREAM_UNAVAILABLE =
  'JetStream is not enabled on the NATS server (or does not answer); nothing can be read from or written to the bucket';

/**
 * The watched cache of the pipes bucket, in memory and free of I/O: the bucket supervisor fills
 * it (it is the watch loop's sink) and tells it the link's state; routes and event streams read
 * it. It keeps the cache, the ring of recent changes for resuming clients, the frames encoded
 * once for every client, the listeners, and the waiters for read-your-writes.
 */
export class Hub implements WatchSink {
  private readonly cache = new PipeCache();
  /** The console's own listeners (archive, mirror): every event, synchronously. */
  private readonly internal = new Set<HubListener>();
  /** Event streams: changes batched per turn of the event loop. */
  private readonly clients = new Set<ClientListener>();
  private batch: Frame[] = [];
  private lastBatchAt = -Infinity;
  private readonly now: () => number;
  private readonly schedule: (run: () => void, delayMs: number) => void;
  private bucketEpoch = '';
  private readonly actors = new ActorLedger();
  private readonly ring: ChangeRing;
  private snapshotFrameCache: { snapshot: Snapshot; frame: Buffer } | undefined;
  private snapshotJsonCache: { snapshot: Snapshot; json: string } | undefined;
  private link: HubLink = { nats: LinkState.disconnected, jetstream: 'available' };
  private isReady = false;
  private lastError: string | undefined;
  private readyWaiters: Array<() => void> = [];
  private revisionWaiters: Array<{ revision: number; resolve: () => void }> = [];

  constructor(private readonly options: HubOptions) {
    this.now = options.now ?? realNow;
    this.schedule = options.schedule ?? realSchedule;
    this.ring = new ChangeRing(options.ringEvents ?? LIVE_DEFAULTS.ringEvents, options.ringBytes ?? LIVE_DEFAULTS.ringBytes);
  }

  status(): HubStatus {
    return {
      ...this.link,
      ready: this.isReady,
      revision: this.cache.revision,
      pipes: this.cache.size,
      bucket: this.options.bucket,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Whether this instance can serve: connected, JetStream answering, and the cache loaded. */
  healthy(): boolean {
    return this.link.nats === LinkState.connected && this.link.jetstream === 'available' && this.isReady;
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
    const { nats, jetstream, ready, revision } = this.status();
    return Buffer.from(encodeEvent('status', JSON.stringify({ nats, jetstream, ready, revision } satisfies StatusData)));
  }

  get(key: string): Entry | undefined {
    return this.cache.get(key);
  }

  /**
   * Adds an event stream (batched changes), or with `internal` one of the console's own
   * listeners (every change on its own, as it is applied).
   */
  subscribe(listener: ClientListener): () => void;
  subscribe(listener: HubListener, kind: 'internal'): () => void;
  subscribe(listener: ClientListener | HubListener, kind?: 'internal'): () => void {
    const set = (kind === 'internal' ? this.internal : this.clients) as Set<typeof listener>;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Ends every event stream, after the changes not yet sent (a shutdown). */
  endStreams(): void {
    this.deliverBatch();
    for (const listener of [...this.clients]) this.tell(listener, { type: 'end' });
  }

  /** Changes the ring holds for resuming clients. */
  get ringSize(): number {
    return this.ring.length;
  }

  /** Listeners that are clients (event streams), not the console's own. */
  get listenerCount(): number {
    return this.clients.size;
  }

  /**
   * Waits until the first snapshot is loaded; UnavailableError after `timeoutMs`, and at once
   * while JetStream is unavailable (the cache cannot follow the bucket then).
   */
  async ready(timeoutMs = 5_000): Promise<void> {
    this.assertJetStream();
    if (this.isReady) return;
    await this.waitFor(this.readyWaiters, (resolve) => resolve, timeoutMs, 'the pipes cache is not loaded yet (is NATS reachable?)');
  }

  /** UnavailableError naming JetStream while it does not answer: the cache cannot follow the bucket then. */
  assertJetStream(): void {
    if (this.link.jetstream === 'unavailable') throw new UnavailableError(JETSTREAM_UNAVAILABLE);
  }

  /** Waits until the cache has applied `revision` (read-your-writes for the API); false on timeout. */
  async caughtUp(revision: number, timeoutMs = 2_000): Promise<boolean> {
    if (this.cache.revision >= revision) return true;
    return this.waitFor(this.revisionWaiters, (resolve) => ({ revision, resolve }), timeoutMs, '').then(
      () => true,
      () => false,
    );
  }

  /**
   * Labels the next change of the intent's key with its actor and note, so its event carries
   * them; returns the function that forgets the intent once its write is done or has failed.
   */
  expectWrite(intent: WriteIntent): () => void {
    this.actors.expect(intent);
    return () => this.forgetWrite(intent.key, intent.id);
  }

  forgetWrite(key: string, id: string): void {
    this.actors.forget(key, id);
  }

  /** The delete marker of `key`, when its last change is a delete or purge. */
  deletedMarker(key: string): DeleteMarker | undefined {
    return this.cache.deletedMarker(key);
  }

  /** Keys whose last change is a delete or purge, with that change. */
  deleted(): DeleteMarker[] {
    return this.cache.deleted();
  }

  /** What the archive says of the change a key is at (after a restart the watch knows no actors). */
  attribute(key: string, revision: number, actor: string, note: string | undefined): void {
    this.cache.attribute(key, revision, actor, note);
  }

  /**
   * The link changed. `reconnected` announces a fresh connection even when the state reads the
   * same, so clients see the blip.
   */
  setLink(link: Partial<HubLink>, reconnected = false): void {
    const next = { ...this.link, ...link };
    const changed = next.nats !== this.link.nats || next.jetstream !== this.link.jetstream;
    this.link = next;
    if (changed || reconnected) this.emit({ type: 'status', status: this.status(), frame: this.statusFrame() });
  }

  /** A part of the supervisor failed (it retries); health shows the last reason. */
  noteError(what: string, err: unknown): void {
    this.lastError = `${what}: ${errorMessage(err)}`;
    log.warn(this.lastError);
  }

  /** The incarnation of the bucket the cache holds (its creation time); '' before the first snapshot. */
  epoch(): string {
    return this.bucketEpoch;
  }

  // The watch loop's sink.

  revision(): number {
    return this.cache.revision;
  }

  /** `epoch` names this incarnation of the bucket (its creation time): revisions start again in a new one. */
  replace(state: Change[], revision: number, reason: 'initial' | 'recreated', epoch = ''): void {
    this.bucketEpoch = epoch;
    for (const change of state) if (!isDeleteMarker(change)) warnIfInvalid(change);
    this.cache.replace(state, revision);
    this.ring.reset(revision);
    this.lastError = undefined;
    if (reason === 'recreated') log.warn('pipes bucket was recreated; cache rebuilt', { revision, pipes: this.cache.size });
    if (!this.isReady) {
      this.isReady = true;
      log.info('pipes cache loaded', { revision, pipes: this.cache.size });
    }
    this.emit({ type: 'snapshot', snapshot: this.cache.snapshot(), reason });
    this.settle();
  }

  apply(change: Change): void {
    if (change.revision <= this.cache.revision) return;
    const { change: labelled, by } = this.actors.label(change);
    this.cache.apply(labelled);
    if (labelled.operation === 'PUT') warnIfInvalid(labelled);
    const frame = Buffer.from(encodeEvent(labelled.operation === 'PUT' ? 'put' : 'delete', JSON.stringify(labelled), labelled.revision));
    const encoded = { revision: labelled.revision, bytes: frame };
    this.ring.push(encoded);
    // The streams' turn is scheduled before the console's own listeners run: what they schedule
    // in turn (the archive's writes) then comes after the change has gone out to every client.
    if (this.batch.push(encoded) === 1) {
      this.schedule(() => this.deliverBatch(), Math.max(0, BATCH_GAP_MS - (this.now() - this.lastBatchAt)));
    }
    this.emit({ type: 'change', change: labelled, frame, ...(by ? { by } : {}) });
    this.settle();
  }

  skipped(change: Change): void {
    log.warn('the watch skipped a change the bucket holds; read from the stream and applied', {
      key: change.key,
      revision: change.revision,
    });
  }

  failed(err: unknown, attempt: number): void {
    this.noteError(`watch failed (attempt ${attempt})`, err);
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
    for (const listener of this.internal) this.tell(listener, event);
    if (event.type === 'change') return;
    // A snapshot or status comes after the changes before it, on every stream.
    this.deliverBatch();
    for (const listener of this.clients) this.tell(listener, event);
  }

  private deliverBatch(): void {
    if (this.batch.length === 0) return;
    const frames = this.batch;
    this.batch = [];
    this.lastBatchAt = this.now();
    const event: ClientEvent = {
      type: 'changes',
      frames,
      bytes: frames.length === 1 ? frames[0]!.bytes : Buffer.concat(frames.map((f) => f.bytes)),
      last: frames.at(-1)!.revision,
    };
    for (const listener of this.clients) this.tell(listener, event);
  }

  private tell<E>(listener: (event: E) => void, event: E): void {
    try {
      listener(event);
    } catch (err) {
      log.error('hub listener failed', { error: errorMessage(err) });
    }
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

function warnIfInvalid(entry: Entry): void {
  if (entry.invalid) log.warn('invalid pipe kept as invalid', { key: entry.key, revision: entry.revision, reason: entry.invalid.message });
}
