import 'server-only';
import { encodeComment, encodeRetry } from '@/lib/live/sse';
import type { ClientEvent, Hub } from '@/lib/server/hub';

/** Where one client's bytes go: a Node response (serve-events.ts) or a web stream (web-stream.ts). */
export type EventSink = {
  write(bytes: Buffer): void;
  /** False once the client's queue holds its limit of unsent bytes. */
  hasRoom(): boolean;
};

/** What a subscription needs of the hub. */
export type SubscriptionHub = Pick<Hub, 'subscribe' | 'status' | 'snapshot' | 'snapshotFrame' | 'statusFrame' | 'changesSince'>;

/** What a subscription needs of presence: the current frame, and its changes. */
export type PresenceFeed = { frame(): Buffer; subscribe(listener: (frame: Buffer) => void): () => void };

export type SubscriptionOptions = {
  /** Last-Event-ID sent by a reconnecting client. */
  lastEventId?: number;
  pingMs: number;
  /** Who has which pipe open: sent after the status, and again on every change. */
  presence?: PresenceFeed;
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
  let sent = 0; // highest revision this client has been brought to
  let behind = false;
  // A status or presence frame was dropped for want of room: drained() sends the current ones.
  let stale = false;
  let closed = false;
  const writeOrMark = (frame: Buffer) => {
    if (sink.hasRoom()) sink.write(frame);
    else stale = true;
  };

  const sendSnapshot = () => {
    sink.write(hub.snapshotFrame());
    sent = hub.snapshot().revision;
  };

  sink.write(RETRY);
  sink.write(hub.statusFrame());
  if (options.presence) sink.write(options.presence.frame());
  const resume = options.lastEventId === undefined ? undefined : hub.changesSince(options.lastEventId);
  if (resume) {
    for (const frame of resume) sink.write(frame.bytes);
    sent = resume.at(-1)?.revision ?? options.lastEventId!;
  } else if (hub.status().ready) {
    sendSnapshot();
  } // else: the hub's first snapshot event reaches this client below.

  const onEvent = (event: ClientEvent) => {
    if (event.type === 'status') {
      writeOrMark(event.frame);
      return;
    }
    if (behind) return;
    if (!sink.hasRoom()) {
      behind = true; // drained() sends a fresh snapshot once the client has caught up.
      return;
    }
    if (event.type === 'snapshot') sendSnapshot();
    else if (event.frames[0]!.revision > sent) {
      sink.write(event.bytes); // the whole batch in one write
      sent = event.last;
    } else {
      // Opened within the batch: its snapshot or resume already holds the first changes.
      for (const frame of event.frames) if (frame.revision > sent) sink.write(frame.bytes);
      sent = Math.max(sent, event.last);
    }
  };
  const unsubscribe = hub.subscribe(onEvent);
  const stopPresence = options.presence?.subscribe(writeOrMark);
  const ping = setInterval(() => {
    if (sink.hasRoom()) sink.write(PING);
  }, options.pingMs);

  return {
    drained() {
      if (closed || !sink.hasRoom() || !(behind || stale)) return;
      // What was dropped meanwhile: the link's status and who is where, as they are now.
      sink.write(hub.statusFrame());
      if (options.presence) sink.write(options.presence.frame());
      stale = false;
      if (behind) {
        behind = false;
        sendSnapshot();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      stopPresence?.();
      clearInterval(ping);
    },
  };
}
