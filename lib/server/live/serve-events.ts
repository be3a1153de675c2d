import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { prepareEvents } from './prepare-events';

/**
 * `GET /api/events` on the raw Node response, called by `server.mjs` before Next sees the
 * request: each event is one `res.write` of the hub's shared Buffer. Through a web
 * ReadableStream and Next's pipe into the response, every event costs several times the CPU
 * per client (README, "Live channel").
 */
export async function serveEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const prepared = await prepareEvents(webRequestOf(req));
  if (prepared.kind === 'refused') {
    const body = Buffer.from(await prepared.response.arrayBuffer());
    res.writeHead(prepared.response.status, { ...Object.fromEntries(prepared.response.headers), 'Content-Length': body.byteLength });
    res.end(body);
    return;
  }
  if (res.destroyed) return; // the client left while its credential was checked
  // The stream ends only when the connection does (`Connection: close`), so it needs no chunked
  // framing: each event goes out as the shared Buffer alone, without a size line and CRLF.
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, prepared.headers);
  const subscription = prepared.open({ write: (bytes) => void res.write(bytes), hasRoom: () => res.writableLength < prepared.queueBytes });
  // 'drain' follows a write that found the socket's buffer full: the client has caught up.
  res.on('drain', () => subscription.drained());
  res.once('close', () => subscription.close());
}

/** The request line and headers as a web Request, for the checks every route shares. */
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
