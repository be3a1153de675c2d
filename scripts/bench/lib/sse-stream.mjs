// A lean Server-Sent Events client for benchmarks: one raw HTTP/1.1 connection per stream (no
// agent, no pool limit), the body read as bytes (chunked decoding when the server chunks it: the
// route handler under `next start` does, server.mjs does not), and an SSE parser ported from
// lib/live/sse.ts (the bench is plain .mjs and cannot import it). The time of each event is
// taken when the socket chunk that completed it reached JavaScript, before any parsing, so the
// parsing cost of other clients in the same process does not count against this one.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-ms precision, comparable across processes on one machine. */
export const now = () => performance.timeOrigin + performance.now();

/**
 * Incremental SSE parser (WHATWG HTML §9.2): feed it text, get whole events back. Same rules as
 * lib/live/sse.ts (fields, comments, `\r\n`/`\r`/`\n`, multi-line data), without re-slicing the
 * buffer for every line.
 */
export class SseParser {
  buffer = '';
  data = [];
  eventType = '';
  /** @type {string | undefined} */
  id = undefined;
  lastEventId = '';
  /** @type {number | undefined} */
  retry = undefined;
  comments = 0;

  /** @param {string} chunk  @returns {{ event: string, data: string, id?: string }[]} */
  push(chunk) {
    const text = this.buffer + chunk;
    const out = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = lineEnd.exec(text); m; m = lineEnd.exec(text)) {
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (m[0] === '\r' && m.index === text.length - 1) break;
      const event = this.line(text.slice(start, m.index));
      start = m.index + m[0].length;
      if (event) out.push(event);
    }
    this.buffer = text.slice(start);
    return out;
  }

  /** @param {string} line */
  line(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  dispatch() {
    if (this.id !== undefined) this.lastEventId = this.id;
    const event = this.data.length
      ? { event: this.eventType || 'message', data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}) }
      : undefined;
    this.data = [];
    this.eventType = '';
    this.id = undefined;
    return event;
  }
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** Decodes `Transfer-Encoding: chunked` incrementally; `push` returns the payload bytes. */
class ChunkedDecoder {
  state = 'size'; // size → data → crlf → size … → done
  remaining = 0;
  /** @type {Buffer} */
  pending = Buffer.alloc(0);

  /** @param {Buffer} input  @returns {Buffer[]} */
  push(input) {
    let buf = this.pending.length ? Buffer.concat([this.pending, input]) : input;
    this.pending = Buffer.alloc(0);
    const out = [];
    let i = 0;
    while (i < buf.length && this.state !== 'done') {
      if (this.state === 'size') {
        const end = buf.indexOf(CRLF, i);
        if (end < 0) break;
        const size = parseInt(buf.toString('latin1', i, end).split(';')[0], 16);
        if (!Number.isFinite(size)) throw new Error(`bad chunk size line "${buf.toString('latin1', i, end)}"`);
        i = end + 2;
        this.remaining = size;
        this.state = size === 0 ? 'done' : 'data';
      } else if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - i);
        out.push(buf.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'crlf';
      } else {
        if (buf.length - i < 2) break;
        i += 2;
        this.state = 'size';
      }
    }
    if (i < buf.length && this.state !== 'done') this.pending = Buffer.from(buf.subarray(i));
    return out;
  }
}

/**
 * Opens GET `url` as an event stream with the headers a browser's EventSource sends (plus the
 * bearer token). `onEvent(event, arrivedAt)` is called for every event; `arrivedAt` is now()
 * when the chunk completing it was read. Resolves once the response head says 200; rejects on
 * any other answer, on a compressed body (an SSE body must not be transformed) or a socket error.
 * @param {{ url: string, token?: string, onEvent: (event: { event: string, data: string, id?: string }, arrivedAt: number) => void,
 *   onEnd?: (err?: Error) => void, lastEventId?: string }} options
 * @returns {Promise<{ close(): void, headers: Record<string, string>, parser: SseParser }>}
 */
export function openSseStream({ url, token, onEvent, onEnd, lastEventId }) {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    const parser = new SseParser();
    const decoder = new TextDecoder('utf-8');
    /** @type {ChunkedDecoder | undefined} */
    let chunked;
    let head = Buffer.alloc(0);
    let headDone = false;
    let settled = false;
    let ended = false;
    const finish = (err) => {
      if (ended) return;
      ended = true;
      if (!settled) {
        settled = true;
        reject(err ?? new Error('the stream closed before its response head'));
      } else {
        onEnd?.(err);
      }
    };
    const feed = (bytes, arrivedAt) => {
      const text = decoder.decode(bytes, { stream: true });
      if (!text) return;
      for (const event of parser.push(text)) onEvent(event, arrivedAt);
    };
    socket.on('connect', () => {
      const lines = [
        `GET ${pathname}${search} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Accept: text/event-stream',
        'Cache-Control: no-cache',
        'Accept-Encoding: gzip, deflate, br, zstd',
        ...(token ? [`Authorization: Bearer ${token}`] : []),
        ...(lastEventId ? [`Last-Event-ID: ${lastEventId}`] : []),
        'Connection: keep-alive',
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      const arrivedAt = now();
      try {
        if (!headDone) {
          head = head.length ? Buffer.concat([head, chunk]) : chunk;
          const end = head.indexOf(HEAD_END);
          if (end < 0) return;
          const [statusLine, ...headerLines] = head.toString('latin1', 0, end).split('\r\n');
          const headers = Object.fromEntries(
            headerLines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
          );
          const status = Number(statusLine.split(' ')[1]);
          const rest = head.subarray(end + 4);
          headDone = true;
          head = Buffer.alloc(0);
          if (status !== 200) {
            socket.destroy();
            settled = true;
            ended = true;
            reject(new Error(`GET ${pathname} answered ${statusLine}: ${rest.toString('utf8').slice(0, 200)}`));
            return;
          }
          if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') {
            socket.destroy();
            settled = true;
            ended = true;
            reject(new Error(`GET ${pathname}: the event stream came with Content-Encoding ${headers['content-encoding']}`));
            return;
          }
          if (/chunked/i.test(headers['transfer-encoding'] ?? '')) chunked = new ChunkedDecoder();
          settled = true;
          resolve({ close: () => socket.destroy(), headers, parser });
          chunk = rest;
          if (chunk.length === 0) return;
        }
        if (chunked) {
          for (const part of chunked.push(chunk)) feed(part, arrivedAt);
          if (chunked.state === 'done') socket.end();
        } else {
          feed(chunk, arrivedAt);
        }
      } catch (err) {
        socket.destroy();
        finish(/** @type {Error} */ (err));
      }
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish());
  });
}
