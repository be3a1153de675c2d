import 'server-only';
import { LinkState } from '@/lib/live/protocol';
import type { Config } from '@/lib/server/config';
import { UnavailableError } from '@/lib/server/errors';
import { log } from '@/lib/server/log';
import { INSTANCE } from '@/lib/server/instance-name';
import {
  BucketMissingError,
  IntentChannel,
  JetStreamUnavailableError,
  openNatsLink,
  PipeBucket,
  type BucketInfo,
  type IntentMessage,
  type NatsLink,
} from '@/lib/server/nats';
import type { WriteIntent } from './actor-ledger';
import { JETSTREAM_UNAVAILABLE, type Hub } from './hub';
import { backoffDelay, RETRY_BACKOFF, WatchLoop } from './watch-loop';

export type SupervisorSettings = Pick<Config, 'nats' | 'bucket' | 'history'>;

// How often the stream is checked for a recreated bucket or a stalled watch, in case an
// advisory was missed (the watch's own heartbeat is 30 s).
const STREAM_CHECK_MS = 5_000;

// nats-server 2.9 announces a stream deleted before it has removed the stream's files: a stream
// created again under the same name at once (on the advisory) loses its files to that removal —
// "error creating store", or it takes writes that no consumer or get ever sees and that are gone
// after a restart. One second later it is safe.
const RECREATE_AFTER_MS = 1_000;

/**
 * The I/O side of the watched cache: it connects to NATS (retrying forever), opens the bucket
 * (creating it when missing, and again when it is deleted under us), runs the watch loop into
 * the hub, listens to JetStream's stream advisories and checks the stream now and then, so the
 * hub stays equal to the bucket through any fault. It tells the hub the link's state.
 */
export class BucketSupervisor {
  private link: NatsLink | undefined;
  private bucket: PipeBucket | undefined;
  private loop: WatchLoop | undefined;
  private stopAdvisories: (() => void) | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private stalledAt: number | undefined;
  /** When the bucket was first found missing, while it still is. */
  private missingSince: number | undefined;
  private stopped = false;
  private reconnectCount = 0;
  private starting: Promise<void> | undefined;
  private intents: IntentChannel<WriteIntent> | undefined;
  private stopIntents: (() => void) | undefined;
  private markOpened!: (opened: { link: NatsLink; bucket: PipeBucket }) => void;
  /** The link and the bucket, once both are open. */
  readonly opened = new Promise<{ link: NatsLink; bucket: PipeBucket }>((resolve) => (this.markOpened = resolve));

  constructor(
    private readonly settings: SupervisorSettings,
    readonly hub: Hub,
  ) {}

  /** Connects and starts watching; resolves once connected. Retries forever, never throws. */
  start(): Promise<void> {
    this.starting ??= this.connectAndWatch();
    return this.starting;
  }

  /** The bucket for writes and history, once connected; UnavailableError while it cannot be used. */
  async writableBucket(): Promise<PipeBucket> {
    await this.hub.ready();
    if (!this.bucket || this.link?.state() !== LinkState.connected) {
      throw new UnavailableError('NATS is unreachable; nothing was written');
    }
    return this.bucket;
  }

  /** Times the NATS link came back after it was lost. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  /** The bucket's last revision as the server has it now; undefined while it cannot be read. */
  async bucketRevision(): Promise<number | undefined> {
    if (!this.bucket || this.link?.state() !== LinkState.connected) return undefined;
    return this.bucket.info().then(
      (info) => info.lastRevision,
      () => undefined,
    );
  }

  /** Tells the other instances on the bucket of a write (before it) and that it is over (after). */
  announce(message: IntentMessage<WriteIntent>): void {
    this.intents?.publish(message);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.checkTimer);
    this.stopAdvisories?.();
    this.stopIntents?.();
    await this.loop?.stop();
    await this.link?.close();
  }

  private async connectAndWatch(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        this.link ??= await openNatsLink(this.settings.nats, (state, event) => this.onLinkState(state, event));
        this.hub.setLink({ nats: this.link.state() });
        this.bucket = await this.watchingJetStream(() =>
          PipeBucket.open(this.link!, this.settings.bucket, { history: this.settings.history }),
        );
        break;
      } catch (err) {
        this.hub.noteError('cannot open the pipes bucket', err);
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, RETRY_BACKOFF)));
      }
    }
    if (this.stopped || !this.bucket) return;
    this.intents = new IntentChannel<WriteIntent>(this.link!.connection, this.settings.bucket);
    this.stopIntents = this.intents.subscribe((message) => this.onIntent(message));
    this.stopAdvisories = this.bucket.watchLifecycle(() => this.loop?.restart());
    this.loop = new WatchLoop(
      {
        info: () => this.bucketInfo(),
        watch: (from) => this.bucket!.watch(from),
        changeFrom: (revision) => this.bucket!.changeFrom(revision),
      },
      this.hub,
    );
    this.loop.start();
    this.checkTimer = setInterval(() => void this.checkStream(), STREAM_CHECK_MS);
    this.checkTimer.unref();
    log.info('watching pipes bucket', { bucket: this.settings.bucket, servers: this.settings.nats.servers });
    this.markOpened({ link: this.link!, bucket: this.bucket });
  }

  /** Another instance's write: label its change here too, so every instance shows the same actor. */
  private onIntent(message: IntentMessage<WriteIntent>): void {
    if (message.type === 'intent') {
      if (message.intent.by.instance !== INSTANCE) this.hub.expectWrite(message.intent);
      return;
    }
    // A write that failed labels nothing; one that succeeded is forgotten once this watch has
    // applied it (it may lag the writer's), or when the expectation expires.
    const forget = () => this.hub.forgetWrite(message.key, message.id);
    if (message.revision === undefined) forget();
    else void this.hub.caughtUp(message.revision, 10_000).then(forget);
  }

  /**
   * Stream info; a bucket deleted under us is created again, with the history and replicas it had,
   * but only once it has stayed missing for RECREATE_AFTER_MS: until then the loop retries with
   * its backoff, and another writer may create it its own way meanwhile.
   */
  private async bucketInfo(): Promise<BucketInfo> {
    try {
      const info = await this.watchingJetStream(() => this.bucket!.info());
      this.missingSince = undefined;
      return info;
    } catch (err) {
      if (!(err instanceof BucketMissingError) || !this.link) throw err;
      this.missingSince ??= Date.now();
      if (Date.now() - this.missingSince < RECREATE_AFTER_MS) throw err;
      // As it was: a replicated bucket must not come back as a single copy, nor lose history.
      const shape = this.bucket!.lastShape;
      log.warn('pipes bucket is missing; creating it again', { bucket: this.settings.bucket, ...shape });
      this.bucket = await PipeBucket.open(this.link, this.settings.bucket, shape);
      this.missingSince = undefined;
      return this.bucket.info();
    }
  }

  /** Safety net for a missed advisory or a watch that stopped delivering. */
  private async checkStream(): Promise<void> {
    if (!this.hub.status().ready || this.link?.state() !== LinkState.connected) return;
    try {
      // Read before the info, or a change the watch applies meanwhile looks like a recreated bucket.
      const revision = this.hub.revision();
      const info = await this.watchingJetStream(() => this.bucket!.info());
      const behind = info.lastRevision > revision;
      if (info.lastRevision < revision) this.loop?.restart();
      else if (behind && this.stalledAt === revision) this.loop?.restart();
      this.stalledAt = behind ? revision : undefined;
    } catch (err) {
      if (err instanceof BucketMissingError) this.loop?.restart();
    }
  }

  /**
   * Runs a stream-level call and tells the hub whether JetStream answered: a nats-server
   * restarted without JetStream comes back "connected", and only these calls show it.
   */
  private async watchingJetStream<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.hub.setLink({ jetstream: 'available' });
      return result;
    } catch (err) {
      if (err instanceof JetStreamUnavailableError) {
        if (this.hub.status().jetstream === 'available') log.warn(JETSTREAM_UNAVAILABLE);
        this.hub.setLink({ jetstream: 'unavailable' });
      }
      throw err;
    }
  }

  private onLinkState(state: LinkState, event: 'reconnected' | 'changed'): void {
    // Resume from the last revision now, not when the watch's 30 s heartbeat notices.
    if (event === 'reconnected') {
      this.reconnectCount++;
      this.loop?.restart();
    }
    log.info(`NATS ${state}`);
    this.hub.setLink({ nats: state }, event === 'reconnected');
  }
}
