// A lean Server-Sent Events client for benchmarks: one raw HTTP/1.1 connection per stream (no
// agent, no pool limit), the body read as bytes (chunked decoding when the server chunks it: the
// route handler under `next start` does, server.mjs does not), parsed by the app's own SSE
// parser. The time of each event is taken when the socket chunk that completed it reached
// JavaScript, before any parsing, so the parsing cost of other clients in the same process does
// not count against this one.
import { connect } from 'node:net';
import { SseParser } from '../../../lib/live/sse-parser.mjs';
import { ChunkedDecoder, eventStreamRequest, isChunked, parseResponseHead } from '../../lib/raw-http.mjs';
import { now } from './clock.mjs';

/**
 * Opens GET `url` as an event stream with the headers a browser's EventSource sends (plus the
 * bearer token). `onEvent(event, arrivedAt)` is called for every event; `arrivedAt` is now()
 * when the chunk completing it was read. Resolves once the response head says 200; rejects on
 * any other answer, on a compressed body (an SSE body must not be transformed) or a socket error.
 * @param {{ url: string, token?: string, onEvent: (event: import('../../../lib/live/sse-parser.d.mts').ParsedEvent, arrivedAt: number) => void,
 *   onEnd?: (err?: Error) => void, lastEventId?: string }} options
 * @returns {Promise<{ close(): void, headers: Record<string, string>, parser: SseParser }>}
 */
export function openSseStream({ url, token, onEvent, onEnd, lastEventId }) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    const parser = new SseParser();
    const decoder = new TextDecoder('utf-8');
    /** @type {ChunkedDecoder | undefined} */
    let chunked;
    /** @type {Buffer | undefined} the response head so far; undefined once it is read */
    let head = Buffer.alloc(0);
    let settled = false;
    let ended = false;
    /** @param {Error} [err] */
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
    /** @param {Error} err */
    const refuse = (err) => {
      socket.destroy();
      settled = true;
      ended = true;
      reject(err);
    };
    /** @param {Buffer} bytes  @param {number} arrivedAt */
    const receive = (bytes, arrivedAt) => {
      const text = decoder.decode(bytes, { stream: true });
      if (!text) return;
      for (const event of parser.push(text)) onEvent(event, arrivedAt);
    };
    socket.on('connect', () => {
      socket.write(
        eventStreamRequest(target, {
          'Accept-Encoding': 'gzip, deflate, br, zstd',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
          Connection: 'keep-alive',
        }),
      );
    });
    socket.on('data', (/** @type {Buffer} */ chunk) => {
      const arrivedAt = now();
      try {
        if (head) {
          head = head.length ? Buffer.concat([head, chunk]) : chunk;
          const response = parseResponseHead(head);
          if (!response) return;
          const { statusLine, status, headers, bodyStart } = response;
          const rest = head.subarray(bodyStart);
          head = undefined;
          if (status !== 200)
            return refuse(new Error(`GET ${target.pathname} answered ${statusLine}: ${rest.toString('utf8').slice(0, 200)}`));
          const encoding = headers['content-encoding'];
          if (encoding && encoding !== 'identity')
            return refuse(new Error(`GET ${target.pathname}: the event stream came with Content-Encoding ${encoding}`));
          if (isChunked(headers)) chunked = new ChunkedDecoder();
          settled = true;
          resolve({ close: () => socket.destroy(), headers, parser });
          chunk = rest;
          if (chunk.length === 0) return;
        }
        if (chunked) {
          for (const part of chunked.push(chunk)) receive(part, arrivedAt);
          if (chunked.done) socket.end();
        } else {
          receive(chunk, arrivedAt);
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
