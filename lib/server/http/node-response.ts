import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATIC_SECURITY_HEADERS } from '@/lib/server/security-headers';

/** The request line and headers as a web Request, for the checks every route shares. */
export function webRequestOf(req: IncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    // A Host header or request target no URL is made of: the fast paths read no more than the query.
    url = new URL('http://localhost/');
  }
  return new Request(url, { headers, method: req.method });
}

/**
 * A web Response written to the Node response as it is, Content-Encoding included (Next drops
 * that header from a route's answer), with the security headers Next's configuration would add.
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, {
    ...Object.fromEntries(response.headers),
    ...STATIC_SECURITY_HEADERS,
    'Content-Length': body.byteLength,
  });
  res.end(body);
}
