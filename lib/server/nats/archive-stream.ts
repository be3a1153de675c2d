import 'server-only';
import { DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsLink } from './connection';
import { BucketMissingError, guard, RevisionMismatchError } from './errors';

export type ArchiveSettings = { stream: string; maxAgeMs: number; maxBytes: number };

/** One message of the archive stream: its sequence, subject and JSON text. */
export type StoredText = { seq: number; subject: string; text: string };

const TIMEOUT_MS = 3_000;
const utf8 = new TextDecoder();

/**
 * The change archive's JetStream stream, bytes and subjects only (the archive module gives them
 * meaning). One subject per record, at most one message per subject: a record published with
 * "expected last subject sequence 0" is refused for good once the subject has one, and a record
 * published against the sequence of the one there replaces it.
 */
export class ArchiveStream {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly settings: ArchiveSettings,
    private readonly replicas: number,
  ) {}

  static async open(link: NatsLink, settings: ArchiveSettings, replicas: number): Promise<ArchiveStream> {
    const jsm = await jetstreamManager(link.connection, { timeout: TIMEOUT_MS, checkAPI: false });
    const archive = new ArchiveStream(jetstream(link.connection, { timeout: TIMEOUT_MS }), jsm, settings, replicas);
    await archive.ensure();
    return archive;
  }

  /** Creates the stream when it is missing; an existing one is used as it is. */
  async ensure(): Promise<void> {
    const { stream, maxAgeMs, maxBytes } = this.settings;
    try {
      await guard(() => this.jsm.streams.info(stream));
      return;
    } catch (err) {
      if (!(err instanceof BucketMissingError)) throw err;
    }
    await guard(() =>
      this.jsm.streams.add({
        name: stream,
        subjects: [`${stream}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        max_age: nanos(maxAgeMs),
        max_bytes: maxBytes,
        max_msgs_per_subject: 1,
        num_replicas: this.replicas,
      }),
    );
  }

  /** Stores `text` under `subject` unless the subject has a message already ('exists'). */
  append(subject: string, text: string): Promise<'stored' | 'exists'> {
    return this.publish(subject, text, 0);
  }

  /** Replaces the message `seq` of `subject`; 'exists' when another one replaced it first. */
  replace(subject: string, text: string, seq: number): Promise<'stored' | 'exists'> {
    return this.publish(subject, text, seq);
  }

  /** The message of `subject`, if there is one. */
  async get(subject: string): Promise<StoredText | undefined> {
    const stored = await guard(() => this.jsm.streams.getMessage(this.settings.stream, { last_by_subj: subject }));
    return stored ? textOf(stored) : undefined;
  }

  /** The first and last sequence the stream holds (first > last when it is empty). */
  async bounds(): Promise<{ first: number; last: number; firstTime: string }> {
    const { state } = await guard(() => this.jsm.streams.info(this.settings.stream));
    return { first: state.first_seq, last: state.last_seq, firstTime: state.first_ts };
  }

  /**
   * Reads the messages of `filter` from sequence `from` in order, until `visit` returns false,
   * the sequence reaches `until` (exclusive), or there are no more. One short-lived consumer.
   */
  async read(filter: string, from: number, until: number, visit: (message: StoredText) => boolean | void): Promise<void> {
    if (from >= until) return;
    const consumer = await guard(() =>
      this.js.consumers.getPushConsumer(this.settings.stream, {
        filter_subjects: filter,
        opt_start_seq: Math.max(1, from),
        deliver_policy: DeliverPolicy.StartSequence,
      }),
    );
    try {
      const { num_pending } = await guard(() => consumer.info(true));
      if (num_pending === 0) return;
      const messages = await consumer.consume();
      for await (const m of messages) {
        if (m.seq >= until) break;
        const more = visit({ seq: m.seq, subject: m.subject, text: m.string() });
        if (more === false || m.info.pending === 0) break;
      }
      messages.stop();
    } finally {
      void consumer.delete().catch(() => undefined);
    }
  }

  private async publish(subject: string, text: string, lastSubjectSequence: number): Promise<'stored' | 'exists'> {
    try {
      await guard(() => this.js.publish(subject, text, { expect: { lastSubjectSequence }, timeout: TIMEOUT_MS }));
      return 'stored';
    } catch (err) {
      if (err instanceof RevisionMismatchError) return 'exists';
      throw err;
    }
  }
}

function textOf(stored: StoredMsg): StoredText {
  return { seq: stored.seq, subject: stored.subject, text: utf8.decode(stored.data) };
}
