import 'server-only';
import { encodeComment, encodeRetry } from '@/lib/live/sse';
import type { ClientEvent, Hub } from '@/lib/server/hub';
import type { LiveStats } from './live-stats';
import type { PingRound } from './ping-round';

/** Where one client's bytes go: a Node response (serve-events.ts) or a web stream (web-stream.ts). */
export type EventSink = {
  write(bytes: Buffer): void;
  /** False once the client's queue holds its limit of unsent bytes. */
  hasRoom(): boolean;
  /** Ends the stream, after what it holds. */
  end(): void;
};

/** What a subscription needs of the hub. */
export type SubscriptionHub = Pick<Hub, 'subscribe' | 'status' | 'snapshot' | 'snapshotFrame' | 'statusFrame' | 'changesSince'>;

/** What a subscription needs of presence: the current frame, and its changes. */
export type PresenceFeed = { frame(): Buffer; subscribe(listener: (frame: Buffer) => void): () => void };

export type SubscriptionOptions = {
  /** Last-Event-ID sent by a reconnecting client. */
  lastEventId?: number;
  /** The keep-alive comments' timer, shared by every stream. */
  pings: PingRound;
  /** Who has which pipe open: sent after the status, and again on every change. */
  presence?: PresenceFeed;
  /** Where the stream counts what it sent. */
  stats?: LiveStats;
};

export type Subscription = {
  /** The sink has sent what it held: a client that fell behind gets its fresh snapshot now. */
  drained(): void;
  /** The client is gone: stop listening at once. */
  close(): void;
};

const RETRY = Buffer.from(encodeRetry(1_000));
const PING = Buffer.from(encodeComment('ping'));

/**
 * One client's event sequence: a `retry` hint, the link status, then either the changes
 * after its Last-Event-ID (when the hub's ring still has them all) or a snapshot, then every
 * change. The queue is bounded: a client that stops reading is marked behind, its changes are
 * dropped, and it is sent one fresh snapshot when it drains — its memory never grows with the
 * bucket. Every frame is a Buffer the hub encoded once; nothing here copies it.
 */
export function openSubscription(hub: SubscriptionHub, sink: EventSink, options: SubscriptionOptions): Subscription {
  return new EventSubscription(hub, sink, options);
}

// One object per open stream, its methods on the prototype: with 10,000 streams, a closure per
// callback per stream was a kilobyte each of what they hold (README, "Benchmarks").
class EventSubscription implements Subscription {
  /** Highest revision this client has been brought to. */
  private sent = 0;
  private behind = false;
  /** A status or presence frame was dropped for want of room: drained() sends the current ones. */
  private stale = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly stopPresence: (() => void) | undefined;

  constructor(
    private readonly hub: SubscriptionHub,
    private readonly sink: EventSink,
    private readonly options: SubscriptionOptions,
  ) {
    sink.write(RETRY);
    this.send(hub.statusFrame());
    if (options.presence) this.send(options.presence.frame());
    const resume = options.lastEventId === undefined ? undefined : hub.changesSince(options.lastEventId);
    if (resume) {
      for (const frame of resume) this.send(frame.bytes);
      this.sent = resume.at(-1)?.revision ?? options.lastEventId!;
    } else if (hub.status().ready) {
      this.sendSnapshot();
    } // else: the hub's first snapshot event reaches this client in onEvent.
    this.unsubscribe = hub.subscribe(this.onEvent.bind(this));
    this.stopPresence = options.presence?.subscribe(this.writeOrMark.bind(this));
    options.pings.join(this);
  }

  drained(): void {
    if (this.closed || !this.sink.hasRoom() || !(this.behind || this.stale)) return;
    // What was dropped meanwhile: the link's status and who is where, as they are now.
    this.send(this.hub.statusFrame());
    if (this.options.presence) this.send(this.options.presence.frame());
    this.stale = false;
    if (this.behind) {
      this.behind = false;
      if (this.options.stats) this.options.stats.resyncs++;
      this.sendSnapshot();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.stopPresence?.();
    this.options.pings.leave(this);
  }

  ping(): void {
    if (this.sink.hasRoom()) this.sink.write(PING);
  }

  private onEvent(event: ClientEvent): void {
    if (event.type === 'end') {
      this.close();
      this.sink.end();
      return;
    }
    if (event.type === 'status') {
      this.writeOrMark(event.frame);
      return;
    }
    if (this.behind) return;
    if (!this.sink.hasRoom()) {
      this.behind = true; // drained() sends a fresh snapshot once the client has caught up.
      if (this.options.stats) this.options.stats.behind++;
      return;
    }
    if (event.type === 'snapshot') this.sendSnapshot();
    else if (event.frames[0]!.revision > this.sent) {
      this.send(event.bytes, event.frames.length); // the whole batch in one write
      this.sent = event.last;
    } else {
      // Opened within the batch: its snapshot or resume already holds the first changes.
      for (const frame of event.frames) if (frame.revision > this.sent) this.send(frame.bytes);
      this.sent = Math.max(this.sent, event.last);
    }
  }

  private writeOrMark(frame: Buffer): void {
    if (this.sink.hasRoom()) this.send(frame);
    else this.stale = true;
  }

  private sendSnapshot(): void {
    this.send(this.hub.snapshotFrame());
    this.sent = this.hub.snapshot().revision;
  }

  /** Writes `events` events (one frame, or a batch of them) and counts them. */
  private send(bytes: Buffer, events = 1): void {
    this.sink.write(bytes);
    const stats = this.options.stats;
    if (!stats) return;
    stats.events += events;
    stats.bytes += bytes.byteLength;
  }
}
