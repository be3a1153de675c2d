import { describe, expect, it } from 'vitest';
import { ChunkedDecoder, eventStreamRequest, isChunked, parseResponseHead } from './raw-http.mjs';

/** Every way of cutting `bytes` in two, and every byte on its own. */
function splits(bytes: Buffer): Buffer[][] {
  const cuts = Array.from({ length: bytes.length + 1 }, (_, cut) => [bytes.subarray(0, cut), bytes.subarray(cut)]);
  return [[bytes], ...cuts, [...bytes].map((b) => Buffer.from([b]))];
}

describe('ChunkedDecoder', () => {
  const body = Buffer.from('4\r\nWiki\r\n7;name=value\r\npedia, \r\n10\r\nthe encyclopedia\r\n0\r\n\r\n', 'latin1');

  // Done once the size line of the last chunk (0) is in; the CRLF after it does not matter.
  const lastChunkEnd = body.indexOf('\r\n0\r\n') + 5;

  it('gives the payload and says done after the last chunk, wherever the input is cut', () => {
    for (const parts of splits(body)) {
      const decoder = new ChunkedDecoder();
      const out: Buffer[] = [];
      let pushed = 0;
      for (const part of parts) {
        out.push(...decoder.push(part));
        pushed += part.length;
        expect(decoder.done).toBe(pushed >= lastChunkEnd);
      }
      expect(Buffer.concat(out).toString('latin1'), JSON.stringify(parts.map(String))).toBe('Wikipedia, the encyclopedia');
      expect(decoder.done).toBe(true);
    }
  });

  it('hands out the start of a chunk before the rest of it arrives', () => {
    const decoder = new ChunkedDecoder();
    expect(Buffer.concat(decoder.push(Buffer.from('a\r\n0123'))).toString()).toBe('0123');
    expect(Buffer.concat(decoder.push(Buffer.from('456789\r\n'))).toString()).toBe('456789');
  });

  it('throws on broken framing: a size line that is not hex, data longer than its size', () => {
    expect(() => new ChunkedDecoder().push(Buffer.from('zz\r\nab\r\n'))).toThrow(/bad chunk size line "zz"/);
    expect(() => new ChunkedDecoder().push(Buffer.from(' 2\r\nab\r\n'))).toThrow(/bad chunk size line " 2"/);
    expect(() => new ChunkedDecoder().push(Buffer.from('2\r\nabc\r\n'))).toThrow(/runs past its size/);
  });
});

describe('response head', () => {
  const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';

  it('is undefined until the blank line, then gives status, lower-cased headers and where the body starts', () => {
    expect(parseResponseHead(Buffer.from(head.slice(0, -1)))).toBeUndefined();
    expect(parseResponseHead(Buffer.from(`${head}5\r\n`))).toEqual({
      statusLine: 'HTTP/1.1 200 OK',
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' },
      bodyStart: head.length,
    });
    expect(parseResponseHead(Buffer.from('SSH-2.0\r\n\r\n'))?.status).toBeNaN();
  });

  it('counts a body as chunked only when chunked is the last transfer coding', () => {
    expect(isChunked({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(isChunked({ 'transfer-encoding': 'gzip, Chunked' })).toBe(true);
    expect(isChunked({ 'transfer-encoding': 'chunked, gzip' })).toBe(false);
    expect(isChunked({ 'transfer-encoding': 'notchunked' })).toBe(false);
    expect(isChunked({})).toBe(false);
  });
});

it('writes the request head of an event stream with the extra headers last', () => {
  expect(eventStreamRequest(new URL('http://127.0.0.1:3000/api/events?x=1'), { 'Last-Event-ID': '7' })).toBe(
    'GET /api/events?x=1 HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nLast-Event-ID: 7\r\n\r\n',
  );
});
