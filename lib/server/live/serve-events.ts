import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize } from '@/lib/server/auth';
import { config } from '@/lib/server/config';
import { errorResponse } from '@/lib/server/http/error-response';
import { getHub } from '@/lib/server/hub';
import { STATIC_SECURITY_HEADERS } from '@/lib/server/security-headers';
import { EVENT_STREAM_HEADERS, lastEventIdOf } from './event-stream-request';
import { openClientFeed } from './client-feed';

/**
 * `GET /api/events` on the raw Node response, called by `server.mjs` before Next sees the
 * request. Same auth, same feed and same headers as the route handler, but each event is one
 * `res.write` of the hub's shared Buffer: going through a web ReadableStream and Next's pipe into
 * the response cost four times the CPU per client, which 1,000 clients turned into 80 ms a change.
 */
export async function serveEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = webRequestOf(req);
  try {
    await authorize(request, 'read');
  } catch (err) {
    await sendWebResponse(res, errorResponse(err));
    return;
  }
  if (res.destroyed) return; // the client left while its token was checked
  const hub = getHub();
  void hub.start();
  const { pingMs, queueBytes } = config().live;
  // The stream ends only when the connection does (`Connection: close`), so it needs no chunked
  // framing: each event goes out as the shared Buffer alone, without a size line and CRLF.
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, { ...STATIC_SECURITY_HEADERS, ...EVENT_STREAM_HEADERS });
  const feed = openClientFeed(
    hub,
    { write: (bytes) => void res.write(bytes), hasRoom: () => res.writableLength < queueBytes },
    { lastEventId: lastEventIdOf(request), pingMs },
  );
  // 'drain' follows a write that found the socket's buffer full: the client has caught up.
  res.on('drain', () => feed.drained());
  res.once('close', () => feed.close());
}

/** The request line and headers as a web Request, for the checks the route handlers share. */
function webRequestOf(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    url = new URL('http://localhost/api/events');
  }
  return new Request(url, { headers });
}

async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...STATIC_SECURITY_HEADERS, ...Object.fromEntries(response.headers), 'Content-Length': body.byteLength });
  res.end(body);
}
