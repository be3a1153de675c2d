// HTTP/1.1 read by hand off a raw socket, for the clients of the tests and benchmarks that must
// see every byte or hold them back (an event stream that is never read, a request fetch would
// refuse to send): the response head, and a chunked body decoded as it arrives.

/** @typedef {import('./raw-http.d.mts').ChunkedDecoder} Declared what raw-http.d.mts promises */

/**
 * The request head of GET `url` as an EventSource sends it, with `headers` after its own (a
 * credential, Last-Event-ID…), ready to write.
 * @param {URL} url
 * @param {Record<string, string>} [headers]
 */
export function eventStreamRequest(url, headers = {}) {
  const lines = [
    `GET ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Accept: text/event-stream',
    'Cache-Control: no-cache',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * The head of a response, once `bytes` hold all of it (up to the blank line), else undefined.
 * Header names are lower-cased; of a repeated header the last one is kept.
 * @param {Buffer} bytes
 * @returns {import('./raw-http.d.mts').ResponseHead | undefined}
 */
export function parseResponseHead(bytes) {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...headerLines] = bytes.toString('latin1', 0, end).split('\r\n');
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  return { statusLine, status, headers, bodyStart: end + 4 };
}

/**
 * Whether the body is chunked: chunked, when applied, is the last transfer coding (RFC 9112 §6.1).
 * @param {Record<string, string>} headers
 */
export const isChunked = (headers) => /(^|,)\s*chunked\s*$/i.test(headers['transfer-encoding'] ?? '');

/**
 * Decodes `Transfer-Encoding: chunked` incrementally (RFC 9112 §7.1): `push` the bytes as they
 * come, get the payload bytes back at once, whole chunk or not. Throws on broken framing (a size
 * line that is not hex, chunk data longer than its size), which a test should hear about.
 * @implements {Declared}
 */
export class ChunkedDecoder {
  /** @type {'size' | 'data' | 'crlf' | 'done'} size line → data → its CRLF → size line … → done */
  #state = 'size';
  /** Bytes of the current chunk still to come. */
  #remaining = 0;
  /** A size line or CRLF cut by the end of the last push. */
  #pending = Buffer.alloc(0);

  /** The last chunk (size 0) has arrived. */
  get done() {
    return this.#state === 'done';
  }

  /**
   * @param {Buffer} input
   * @returns {Buffer[]}
   */
  push(input) {
    const buf = this.#pending.length ? Buffer.concat([this.#pending, input]) : input;
    this.#pending = Buffer.alloc(0);
    /** @type {Buffer[]} */
    const out = [];
    let i = 0;
    while (i < buf.length && this.#state !== 'done') {
      if (this.#state === 'size') {
        const end = buf.indexOf('\r\n', i);
        if (end < 0) break;
        const line = buf.toString('latin1', i, end);
        const hex = /^([0-9a-fA-F]+)[ \t]*(?:;|$)/.exec(line)?.[1];
        if (hex === undefined) throw new Error(`bad chunk size line "${line}"`);
        const size = parseInt(hex, 16);
        i = end + 2;
        this.#remaining = size;
        this.#state = size === 0 ? 'done' : 'data';
      } else if (this.#state === 'data') {
        const n = Math.min(this.#remaining, buf.length - i);
        out.push(buf.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = 'crlf';
      } else {
        if (buf.length - i < 2) break;
        if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) throw new Error('chunk data runs past its size (no CRLF after it)');
        i += 2;
        this.#state = 'size';
      }
    }
    if (i < buf.length && this.#state !== 'done') this.#pending = Buffer.from(buf.subarray(i));
    return out;
  }
}
