// One HTTP/1.1 request written byte for byte over its own socket, for what fetch will not send
// as given: a path it would normalise (`/a/%2E%2E/b`), a Content-Length that lies, a chunked
// body that stops where the test wants. Each request has its own connection (`Connection: close`), so a server
// that answers before reading a whole body cannot leave a pooled connection in a strange state.
import { connect } from 'node:net';
import { ChunkedDecoder, isChunked, parseResponseHead } from '../../scripts/lib/raw-http.mjs';

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * A body: bytes sent as they are (with the Content-Length the caller declares), or `{ chunked }`
 * bytes sent with `Transfer-Encoding: chunked` in 64 KiB chunks, the closing chunk only when
 * `end` is true. A body the server will refuse part-way should stop where the server stops
 * reading: bytes it never reads make its close a reset, which can swallow its answer.
 */
export type RawBody = string | Buffer | { chunked: string | Buffer; end?: boolean };

const SLICE = 64 * 1024;

/**
 * Sends `head` (request line and headers, without Host, Connection or the blank line) and
 * `body` in one write, and resolves with the response once the server closes the connection.
 */
export async function rawRequest(baseUrl: string, head: string[], body: RawBody = '', timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const lines = [...head, `Host: ${url.host}`, 'Connection: close'];
  let payload: Buffer;
  if (typeof body === 'object' && !Buffer.isBuffer(body)) {
    lines.push('Transfer-Encoding: chunked');
    const data = Buffer.isBuffer(body.chunked) ? body.chunked : Buffer.from(body.chunked, 'utf8');
    const parts: Buffer[] = [];
    for (let at = 0; at < data.length; at += SLICE) {
      const slice = data.subarray(at, at + SLICE);
      parts.push(Buffer.from(`${slice.length.toString(16)}\r\n`), slice, Buffer.from('\r\n'));
    }
    if (body.end) parts.push(Buffer.from('0\r\n\r\n'));
    payload = Buffer.concat(parts);
  } else {
    payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  }

  const socket = connect({ host: url.hostname, port: Number(url.port) });
  const received: Buffer[] = [];
  return new Promise<RawResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer to ${head[0]} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (err) => {
      if (received.length === 0) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(received)));
      } catch (err) {
        reject(err);
      }
    });
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload])));
  });
}

function parseResponse(bytes: Buffer): RawResponse {
  const head = parseResponseHead(bytes);
  if (!head) throw new Error(`incomplete HTTP response: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const rest = bytes.subarray(head.bodyStart);
  const body = isChunked(head.headers) ? Buffer.concat(new ChunkedDecoder().push(rest)) : rest;
  return { status: head.status, headers: head.headers, body: body.toString('utf8') };
}
