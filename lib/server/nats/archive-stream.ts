import 'server-only';
import { DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { UnavailableError } from '@/lib/server/errors';
import type { NatsLink } from './connection';
import { ArchiveMissingError, BucketMissingError, guard, RevisionMismatchError } from './errors';

export type ArchiveSettings = { stream: string; maxAgeMs: number; maxBytes: number };

/** One message of the archive stream: its sequence, subject and JSON text. */
export type StoredText = { seq: number; subject: string; text: string };

const TIMEOUT_MS = 3_000;
/** A scan that has not ended by then is given up (a read serves one HTTP request). */
const SCAN_DEADLINE_MS = 10_000;
// As for the bucket: nats-server 2.9 announces a stream deleted before its files are gone, and
// a stream created again under the same name at once loses its files to that removal.
const RECREATE_AFTER_MS = 1_000;
const utf8 = new TextDecoder();

/**
 * The change archive's JetStream stream, bytes and subjects only (the archive module gives them
 * meaning). One subject per record, at most one message per subject: a record published with
 * "expected last subject sequence 0" is refused for good once the subject has one, and a record
 * published against the sequence of the one there replaces it. Every failure of a missing
 * stream is an ArchiveMissingError.
 */
export class ArchiveStream {
  /** When the stream was first found missing, while it still is. */
  private missingSince: number | undefined;
  /** Whether this process has seen the stream exist: only a stream deleted under us waits before it is created again. */
  private seen = false;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly settings: ArchiveSettings,
    private readonly replicas: number,
  ) {}

  /** The archive's stream on `link`; nothing is asked of the server until it is used. */
  static async on(link: NatsLink, settings: ArchiveSettings, replicas: number): Promise<ArchiveStream> {
    const jsm = await jetstreamManager(link.connection, { timeout: TIMEOUT_MS, checkAPI: false });
    return new ArchiveStream(jetstream(link.connection, { timeout: TIMEOUT_MS }), jsm, settings, replicas);
  }

  /**
   * Creates the stream when it is missing: at once on first use, and once it has stayed missing
   * for a second when it was deleted under us (until then an ArchiveMissingError). An existing
   * one is used as it is.
   */
  async ensure(): Promise<void> {
    const { stream, maxAgeMs, maxBytes } = this.settings;
    try {
      await this.call(() => this.jsm.streams.info(stream));
      this.missingSince = undefined;
      this.seen = true;
      return;
    } catch (err) {
      if (!(err instanceof ArchiveMissingError)) throw err;
    }
    if (this.seen && Date.now() - (this.missingSince ?? 0) < RECREATE_AFTER_MS) {
      throw new ArchiveMissingError(
        `the change archive (stream ${stream}) is missing; it is created once it has been missing for a second`,
      );
    }
    await this.call(() =>
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
    this.missingSince = undefined;
    this.seen = true;
  }

  /** Notes that a call found the stream missing, so `ensure` waits before creating it again. */
  private noteMissing(): void {
    this.missingSince ??= Date.now();
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
    const stored = await this.call(() => this.jsm.streams.getMessage(this.settings.stream, { last_by_subj: subject }));
    return stored ? textOf(stored) : undefined;
  }

  /**
   * The subjects the stream holds a message on that match `filter`: one stream-info call (paged
   * by the client), without a consumer — a consumer with a wildcard filter makes nats-server 2.9
   * walk every message after its start.
   */
  async subjects(filter: string): Promise<string[]> {
    const info = await this.call(() => this.jsm.streams.info(this.settings.stream, { subjects_filter: filter }));
    return Object.keys(info.state.subjects ?? {});
  }

  /** The first and last sequence the stream holds (first > last when it is empty). */
  async bounds(): Promise<{ first: number; last: number }> {
    const { state } = await this.call(() => this.jsm.streams.info(this.settings.stream));
    return { first: state.first_seq, last: state.last_seq };
  }

  /**
   * Reads the messages of `filter` from sequence `from` in order, until `visit` returns false,
   * the sequence reaches `until` (exclusive), or there are no more. One short-lived ordered pull
   * consumer (a push consumer delivers before its subscription exists, and loses what it sent),
   * deleted afterwards; an UnavailableError if it has not ended within 10 s.
   */
  async scan(filter: string, from: number, until: number, visit: (message: StoredText) => boolean | void): Promise<void> {
    if (from >= until) return;
    const consumer = await this.call(() =>
      this.js.consumers.get(this.settings.stream, { filter_subjects: filter, opt_start_seq: Math.max(1, from) }),
    );
    let messages: Awaited<ReturnType<typeof consumer.consume>> | undefined;
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      messages?.stop();
    }, SCAN_DEADLINE_MS);
    try {
      const { num_pending } = await this.call(() => consumer.info(true));
      if (num_pending === 0) return;
      messages = await consumer.consume({ max_messages: 512, abort_on_missing_resource: true });
      for await (const m of messages) {
        if (m.seq >= until) break;
        const more = visit({ seq: m.seq, subject: m.subject, text: m.string() });
        if (more === false || m.info.pending === 0) break;
      }
      if (timedOut)
        throw new UnavailableError(`reading the change archive (stream ${this.settings.stream}) took over ${SCAN_DEADLINE_MS / 1000} s`);
    } catch (err) {
      throw this.mapped(err);
    } finally {
      clearTimeout(deadline);
      messages?.stop();
      void consumer.delete().catch(() => undefined);
    }
  }

  private async publish(subject: string, text: string, lastSubjectSequence: number): Promise<'stored' | 'exists'> {
    try {
      await this.call(() => this.js.publish(subject, text, { expect: { lastSubjectSequence }, timeout: TIMEOUT_MS }));
      return 'stored';
    } catch (err) {
      if (err instanceof RevisionMismatchError) return 'exists';
      throw err;
    }
  }

  /** A NATS call with its failure mapped; a missing stream named as the archive's. */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await guard(op);
    } catch (err) {
      throw this.mapped(err);
    }
  }

  private mapped(err: unknown): unknown {
    if (!(err instanceof BucketMissingError) && !/stream not found|no responders/i.test(String((err as Error)?.message))) return err;
    if (err instanceof ArchiveMissingError) return err;
    this.noteMissing();
    return new ArchiveMissingError(`the change archive (stream ${this.settings.stream}) is missing`, { cause: err });
  }
}

function textOf(stored: StoredMsg): StoredText {
  return { seq: stored.seq, subject: stored.subject, text: utf8.decode(stored.data) };
}
