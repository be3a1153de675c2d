import 'server-only';
import type { Hub } from '@/lib/server/hub';
import { openClientFeed, type ClientFeed, type FeedOptions } from './client-feed';

export type EventStreamOptions = FeedOptions & {
  /** Bytes queued for this client before it counts as behind. */
  queueBytes: number;
  signal: AbortSignal;
};

/**
 * One client's feed as a web stream, for the route handler (`app/api/events/route.ts`). It is
 * the fallback when the app runs under plain `next start`; `server.mjs` serves the same feed
 * straight to the socket (serve-events.ts), which costs a quarter of the CPU per client.
 */
export function createEventStream(hub: Hub, options: EventStreamOptions): ReadableStream<Uint8Array> {
  let feed: ClientFeed | undefined;
  const close = () => feed?.close();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        feed = openClientFeed(
          hub,
          { write: (bytes) => controller.enqueue(bytes), hasRoom: () => (controller.desiredSize ?? 0) > 0 },
          options,
        );
        const onAbort = () => {
          close();
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        };
        if (options.signal.aborted) onAbort();
        else options.signal.addEventListener('abort', onAbort, { once: true });
      },
      // Called whenever the client has drained the queue below its limit.
      pull() {
        feed?.drained();
      },
      cancel() {
        close();
      },
    },
    { highWaterMark: options.queueBytes, size: (chunk) => chunk.byteLength },
  );
}
