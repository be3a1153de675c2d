import 'server-only';
import { encodeComment, encodeRetry } from '@/lib/live/sse';
import type { Hub, HubEvent } from '@/lib/server/hub';

export type EventStreamOptions = {
  /** Last-Event-ID sent by a reconnecting client. */
  lastEventId?: number;
  pingMs: number;
  /** Bytes queued for this client before it counts as behind. */
  queueBytes: number;
  signal: AbortSignal;
};

const RETRY_MS = 1_000;
const utf8 = new TextEncoder();

/**
 * One client's SSE stream (SPEC §4): a `retry` hint, then either the changes after its
 * Last-Event-ID (when the hub's ring still has them all) or a snapshot, then every change.
 * The queue is bounded: a client that stops reading is marked behind, its changes are dropped,
 * and it is sent one fresh snapshot when it drains — its memory never grows with the bucket.
 */
export function createEventStream(hub: Hub, options: EventStreamOptions): ReadableStream<Uint8Array> {
  let sent = 0; // highest revision this client has been brought to
  let behind = false;
  let cleanup = () => {};
  let catchUp = () => {};

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (text: string) => controller.enqueue(utf8.encode(text));
        const sendSnapshot = () => {
          send(hub.snapshotFrame());
          sent = hub.snapshot().revision;
        };

        send(encodeRetry(RETRY_MS));
        send(hub.statusFrame());
        const resume = options.lastEventId === undefined ? undefined : hub.changesSince(options.lastEventId);
        if (resume) {
          for (const frame of resume) send(frame.text);
          sent = resume.at(-1)?.revision ?? options.lastEventId!;
        } else if (hub.status().ready) {
          sendSnapshot();
        } // else: the hub's first snapshot event reaches this client below.

        const onEvent = (event: HubEvent) => {
          if (event.type === 'status') {
            if ((controller.desiredSize ?? 0) > 0) send(event.frame);
            return;
          }
          if (behind) return;
          if ((controller.desiredSize ?? 0) <= 0) {
            behind = true; // pull() sends a fresh snapshot once the client has drained.
            return;
          }
          if (event.type === 'snapshot') sendSnapshot();
          else if (event.change.revision > sent) {
            send(event.frame);
            sent = event.change.revision;
          }
        };
        const unsubscribe = hub.subscribe(onEvent);
        const ping = setInterval(() => {
          if ((controller.desiredSize ?? 0) > 0) send(encodeComment('ping'));
        }, options.pingMs);
        const onAbort = () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        };
        cleanup = () => {
          unsubscribe();
          clearInterval(ping);
          options.signal.removeEventListener('abort', onAbort);
        };
        if (options.signal.aborted) onAbort();
        else options.signal.addEventListener('abort', onAbort);
        catchUp = () => {
          if (!behind) return;
          behind = false;
          send(hub.statusFrame()); // a status change may have been dropped meanwhile too
          sendSnapshot();
        };
      },
      // Called whenever the client has drained the queue below its limit.
      pull() {
        catchUp();
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: options.queueBytes, size: (chunk) => chunk.byteLength },
  );
}
