import 'server-only';
import type { EventSink, Subscription } from './subscription';

/**
 * One client's events as a web stream, for the route handler under plain `next start`;
 * `server.mjs` writes the same events straight to the socket (serve-events.ts), far cheaper
 * per client. The stream's queue is bounded by `queueBytes`: `pull()` runs when the client
 * has drained it below that.
 */
export function webEventStream(
  open: (sink: EventSink) => Subscription,
  queueBytes: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  let subscription: Subscription | undefined;
  const close = () => subscription?.close();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const end = () => {
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        };
        subscription = open({ write: (bytes) => controller.enqueue(bytes), hasRoom: () => (controller.desiredSize ?? 0) > 0, end });
        const onAbort = () => {
          close();
          end();
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      },
      pull() {
        subscription?.drained();
      },
      cancel() {
        close();
      },
    },
    { highWaterMark: queueBytes, size: (chunk) => chunk.byteLength },
  );
}
