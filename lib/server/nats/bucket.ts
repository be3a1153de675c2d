import 'server-only';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import { Kvm, KvWatchInclude, type KV } from '@nats-io/kv';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import type { NatsLink } from './connection';
import type { Change, Entry } from '@/lib/pipes/entry';
import { guard, RevisionMismatchError, ValueTooLargeError } from './errors';
import { serialCas } from './serial-cas';
import { messageToChange, toChange } from './to-change';

/** Stream facts used to notice a bucket deleted and recreated under a running watch. */
export type BucketInfo = { created: string; lastRevision: number; values: number; replicas: number };

/** One change from a watch, with how many more the server had queued behind it. */
export type WatchedChange = { change: Change; pending: number };

export type BucketWatch = AsyncIterable<WatchedChange> & { stop(): void };

/** What a bucket is created with: revisions kept per key, and copies of its stream. */
export type BucketShape = { history: number; replicas: number };

const shapeOf = (config: { max_msgs_per_subject: number; num_replicas: number }): BucketShape => ({
  history: config.max_msgs_per_subject,
  replicas: config.num_replicas,
});

// A write while NATS is down rejects only after the request times out and is never replayed;
// keep that under the API's 5 s promise.
const WRITE_TIMEOUT_MS = 3_000;
const OPERATION = 'KV-Operation';

const pick = (m: { subject: string; seq: number; time: Date; data: Uint8Array }) => ({
  subject: m.subject,
  seq: m.seq,
  time: m.time,
  data: m.data,
});

/** The pipes bucket, with app types in and out; every NATS error is mapped at this edge. */
export class PipeBucket {
  private constructor(
    private readonly kv: KV,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly connection: NatsConnection,
    readonly name: string,
    /** The stream's shape as last read: a bucket created again is given the same. */
    private shape: BucketShape,
  ) {}

  /**
   * Opens the bucket, creating it with `shape` when missing (history and replicas; one replica
   * unless given); an existing bucket is used as it is.
   */
  static async open(link: NatsLink, name: string, shape: { history: number; replicas?: number }): Promise<PipeBucket> {
    const { connection } = link;
    const js = jetstream(connection, { timeout: WRITE_TIMEOUT_MS });
    // Kvm.create binds to an existing stream without touching its config and adds it only when absent.
    const kv = await guard(() => new Kvm(js).create(name, shape));
    const jsm = await jetstreamManager(connection, { timeout: WRITE_TIMEOUT_MS, checkAPI: false });
    const { streamInfo } = await guard(() => kv.status());
    return new PipeBucket(kv, js, jsm, connection, name, shapeOf(streamInfo.config));
  }

  /** The history and replicas the stream had when last read. */
  get lastShape(): BucketShape {
    return this.shape;
  }

  /** Whether the bucket's stream is replicated: its compare-and-sets then go through serialCas. */
  private get replicated(): boolean {
    return this.shape.replicas > 1;
  }

  /**
   * Calls `onLifecycle` the moment JetStream announces this bucket's stream deleted or created,
   * so a recreated bucket is noticed without waiting for the watch's 30 s heartbeat.
   */
  watchLifecycle(onLifecycle: (event: 'deleted' | 'created') => void): () => void {
    const stream = `KV_${this.name}`;
    const subs = (['deleted', 'created'] as const).map((event) =>
      this.connection.subscribe(`$JS.EVENT.ADVISORY.STREAM.${event.toUpperCase()}.${stream}`, {
        callback: (err) => {
          if (!err) onLifecycle(event);
        },
      }),
    );
    return () => subs.forEach((s) => s.unsubscribe());
  }

  async info(): Promise<BucketInfo> {
    const status = await guard(() => this.kv.status());
    const si = status.streamInfo;
    // A bucket recreated with another shape is noticed here: the watch loop asks every cycle.
    this.shape = shapeOf(si.config);
    return {
      created: si.created,
      lastRevision: si.state.last_seq,
      values: status.values,
      replicas: si.config.num_replicas,
    };
  }

  /**
   * Watches every key. Without `fromRevision`: the last value of every key, then live changes
   * (`pending === 0` marks the end of the replay). With it: every change from that revision on.
   */
  async watch(fromRevision?: number): Promise<BucketWatch> {
    const iterator = await guard(() =>
      this.kv.watch(fromRevision ? { key: '>', resumeFromRevision: fromRevision } : { key: '>', include: KvWatchInclude.LastValue }),
    );
    return {
      stop: () => iterator.stop(),
      async *[Symbol.asyncIterator]() {
        for await (const kvEntry of iterator) yield { change: toChange(kvEntry), pending: kvEntry.delta ?? 0 };
      },
    };
  }

  /**
   * The first change the bucket still holds at `revision` or after it, read from the stream
   * itself; undefined when there is none. The watch loop fills a gap in a watch with it.
   */
  async changeFrom(revision: number): Promise<Change | undefined> {
    const prefix = `$KV.${this.name}.`;
    // The server (2.9 on) takes next_by_subj on a plain message get too; nats.js types it only for
    // the direct get, which a bucket created without allow_direct does not answer.
    const query = { seq: revision, next_by_subj: `${prefix}>` } as unknown as MsgRequest;
    const stored = await guard(() => this.jsm.streams.getMessage(`KV_${this.name}`, query));
    return stored ? messageToChange({ ...pick(stored), operation: stored.header?.get(OPERATION) }, prefix) : undefined;
  }

  /** The current entry of `key`, or null when it has none or was deleted. */
  async get(key: string): Promise<Entry | null> {
    const kvEntry = await guard(() => this.kv.get(key));
    if (!kvEntry || kvEntry.operation !== 'PUT') return null;
    return toChange(kvEntry) as Entry;
  }

  /**
   * Visits every change the bucket held when it was called, every key's kept revisions, in
   * bucket order. An ordered pull consumer, 256 messages at a time, so a large bucket is never
   * all in memory (a watch's push consumer sends as fast as the server can). It stops at the
   * last of those: under a steady stream of writes "nothing pending" never comes, and the walk
   * would follow the writes forever.
   */
  async everyHeld(visit: (change: Change) => Promise<void> | void): Promise<void> {
    const stream = `KV_${this.name}`;
    const prefix = `$KV.${this.name}.`;
    const consumer = await guard(() => this.js.consumers.get(stream, { filter_subjects: `${prefix}>` }));
    try {
      const { num_pending } = await guard(() => consumer.info(true));
      if (num_pending === 0) return;
      const messages = await guard(() => consumer.consume({ max_messages: 256 }));
      try {
        let left = num_pending;
        for await (const m of messages) {
          await visit(messageToChange({ ...pick(m), operation: m.headers?.get(OPERATION) }, prefix));
          if (--left === 0 || m.info.pending === 0) break;
        }
      } finally {
        messages.stop();
      }
    } finally {
      void consumer.delete().catch(() => undefined);
    }
  }

  /** Every revision the bucket keeps for `key`, oldest first. */
  async history(key: string): Promise<Change[]> {
    const iterator = await guard(() => this.kv.history({ key }));
    const changes: Change[] = [];
    for await (const kvEntry of iterator) changes.push(toChange(kvEntry));
    return changes;
  }

  /** Writes unconditionally; returns the new revision. */
  put(key: string, value: string): Promise<number> {
    return this.write(value, () => this.kv.put(key, value, { timeout: WRITE_TIMEOUT_MS }));
  }

  /** Writes only if `key` is at `revision`; RevisionMismatchError otherwise. */
  update(key: string, value: string, revision: number): Promise<number> {
    if (this.replicated) return this.write(value, () => this.serialWrite(key, value, revision));
    return this.write(value, () => this.kv.update(key, value, revision, WRITE_TIMEOUT_MS));
  }

  /** Writes only if `key` does not exist or is deleted; RevisionMismatchError otherwise. */
  create(key: string, value: string): Promise<number> {
    if (this.replicated) {
      return this.write(value, async () => {
        const last = await this.lastMessage(key);
        if (last && !last.deleted) throw new RevisionMismatchError(`${key} exists (revision ${last.seq})`);
        return this.serialWrite(key, value, last?.seq ?? 0);
      });
    }
    return this.write(value, () => this.kv.create(key, value));
  }

  /**
   * Writes only if the bucket has never held `key` — not even a delete marker — so a pipe an
   * admin deleted stays deleted. Returns false when the key has a record.
   */
  async createIfNeverWritten(key: string, value: string): Promise<boolean> {
    try {
      await this.write(value, () =>
        this.replicated ? this.serialWrite(key, value, 0) : this.kv.put(key, value, { previousSeq: 0, timeout: WRITE_TIMEOUT_MS }),
      );
      return true;
    } catch (err) {
      if (err instanceof RevisionMismatchError) return false;
      throw err;
    }
  }

  /** Soft-deletes `key`, only if it is at `revision` when given. */
  async delete(key: string, revision?: number): Promise<void> {
    if (this.replicated && revision !== undefined) {
      await guard(() => this.serialWrite(key, null, revision));
      return;
    }
    await guard(() => this.kv.delete(key, revision === undefined ? undefined : { previousSeq: revision }));
  }

  /** A compare-and-set of `key` from `revision` (0: no message yet) to `value`, or to a delete marker for null. */
  private serialWrite(key: string, value: string | null, revision: number): Promise<number> {
    const stream = `KV_${this.name}`;
    const subject = `$KV.${this.name}.${key}`;
    const deadline = Date.now() + WRITE_TIMEOUT_MS;
    const timeout = () => Math.max(1, deadline - Date.now());
    return serialCas(
      {
        publish: async (expectedRevision, expectedLast) => {
          const h = natsHeaders();
          h.set('Nats-Expected-Last-Subject-Sequence', String(expectedRevision));
          h.set('Nats-Expected-Last-Sequence', String(expectedLast));
          if (value === null) h.set(OPERATION, 'DEL');
          const ack = await guard(() => this.js.publish(subject, value ?? new Uint8Array(0), { headers: h, timeout: timeout() }));
          return ack.seq;
        },
        streamLast: async () => (await guard(() => this.jsm.streams.info(stream))).state.last_seq,
        keyLast: async () => (await this.lastMessage(key))?.seq ?? 0,
        timeLeft: () => Date.now() < deadline,
      },
      revision,
    );
  }

  /** The last message of `key` in the stream (a delete marker included), read from the leader. */
  private async lastMessage(key: string): Promise<{ seq: number; deleted: boolean } | undefined> {
    const stored = await guard(() => this.jsm.streams.getMessage(`KV_${this.name}`, { last_by_subj: `$KV.${this.name}.${key}` }));
    if (!stored) return undefined;
    const operation = stored.header?.get(OPERATION);
    return { seq: stored.seq, deleted: operation === 'DEL' || operation === 'PURGE' };
  }

  private write(value: string, op: () => Promise<number>): Promise<number> {
    // The client refuses payloads over the server's max_payload by throwing synchronously
    // inside the publish; say it plainly instead.
    const max = this.connection.info?.max_payload ?? Infinity;
    if (Buffer.byteLength(value) > max) {
      return Promise.reject(new ValueTooLargeError(`value is ${Buffer.byteLength(value)} bytes; NATS accepts at most ${max}`));
    }
    return guard(op);
  }
}
