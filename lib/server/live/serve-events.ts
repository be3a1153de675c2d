import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendWebResponse, webRequestOf } from '@/lib/server/http/node-response';
import { prepareEvents } from './prepare-events';
import type { EventSink, Subscription } from './subscription';

const SUBSCRIPTION = Symbol('subscription');
type StreamResponse = ServerResponse & { [SUBSCRIPTION]?: Subscription };

/** The Node response as a stream's sink: an object, no closures, per stream. */
class ResponseSink implements EventSink {
  constructor(
    private readonly res: ServerResponse,
    private readonly queueBytes: number,
  ) {}

  write(bytes: Buffer): void {
    this.res.write(bytes);
  }

  hasRoom(): boolean {
    return this.res.writableLength < this.queueBytes;
  }

  end(): void {
    this.res.end();
  }
}

// One handler each for every stream ('drain' follows a write that found the socket's buffer
// full: the client has caught up).
function onDrain(this: StreamResponse): void {
  this[SUBSCRIPTION]?.drained();
}
function onClose(this: StreamResponse): void {
  this[SUBSCRIPTION]?.close();
}

/**
 * `GET /api/events` on the raw Node response, called by `server.mjs` before Next sees the
 * request: each event is one `res.write` of the hub's shared Buffer. Through a web
 * ReadableStream and Next's pipe into the response, every event costs several times the CPU
 * per client (README, "Live channel").
 */
export async function serveEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const prepared = await prepareEvents(webRequestOf(req));
  if (prepared.kind === 'refused') return sendWebResponse(res, prepared.response);
  if (res.destroyed) return; // the client left while its credential was checked
  // The stream ends only when the connection does (`Connection: close`), so it needs no chunked
  // framing: each event goes out as the shared Buffer alone, without a size line and CRLF.
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, prepared.headers);
  const stream = res as StreamResponse;
  stream[SUBSCRIPTION] = prepared.open(new ResponseSink(res, prepared.queueBytes));
  res.on('drain', onDrain);
  res.once('close', onClose);
}
