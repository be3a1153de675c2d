import { describe, expect, it } from 'vitest';
import { encodeComment, encodeEvent, encodeRetry, SseParser } from './sse';

/** Pushes `chunks` to a fresh parser: every event it dispatched, and what it kept. */
function parse(chunks: string[]) {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return { events, lastEventId: parser.lastEventId, retry: parser.retry, comments: parser.comments };
}

/** Every way of cutting `text` in two, and every character on its own. */
function splits(text: string): string[][] {
  const cuts = Array.from({ length: text.length + 1 }, (_, cut) => [text.slice(0, cut), text.slice(cut)]);
  return [[text], ...cuts, [...text]];
}

describe('SSE framing', () => {
  it('round-trips encoded events through the parser, split at every possible byte', () => {
    const text =
      encodeRetry(1000) + encodeEvent('put', '{"a":1}', 7) + encodeComment('ping') + encodeEvent('status', '{"nats":"connected"}');
    for (const chunks of splits(text)) {
      expect(parse(chunks)).toEqual({
        events: [
          { event: 'put', data: '{"a":1}', id: '7' },
          { event: 'status', data: '{"nats":"connected"}' },
        ],
        lastEventId: '7',
        retry: 1000,
        comments: 1,
      });
    }
  });

  // CR, LF and CRLF all end a line; a CRLF is one line end even when a chunk ends between the
  // CR and the LF, or a blank line would appear there and cut an event in two.
  describe.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('a stream with %s line ends', (_name, eol) => {
    const lines = [
      'retry: 1000',
      '',
      'id: 7',
      'event: put',
      'data: {"a":1}',
      '',
      ': ping',
      'data: first',
      'data:second',
      '',
      'event: status',
      'data: {}',
      '',
    ];
    const text = lines.map((line) => line + eol).join('');
    const expected = {
      events: [
        { event: 'put', data: '{"a":1}', id: '7' },
        { event: 'message', data: 'first\nsecond' },
        { event: 'status', data: '{}' },
      ],
      lastEventId: '7',
      retry: 1000,
      comments: 1,
    };

    it('gives the same events split at every point as whole', () => {
      for (const chunks of splits(text)) expect(parse(chunks), JSON.stringify(chunks)).toEqual(expected);
    });

    it('hands every line to onLine once, split at every point', () => {
      for (const chunks of splits(text)) {
        const seen: string[] = [];
        const parser = new SseParser({ onLine: (line) => seen.push(line) });
        for (const chunk of chunks) parser.push(chunk);
        expect(seen, JSON.stringify(chunks)).toEqual(lines);
      }
    });
  });

  it('gives the same events for mixed line ends split at every point', () => {
    const text = 'data: a\r\r\nid: 1\r\ndata: b\n\r\nid: 2\rdata: c\r\n\r';
    for (const chunks of splits(text)) {
      expect(parse(chunks).events, JSON.stringify(chunks)).toEqual([
        { event: 'message', data: 'a' },
        { event: 'message', data: 'b', id: '1' },
        { event: 'message', data: 'c', id: '2' },
      ]);
    }
    // An empty chunk between the CR and the LF changes nothing either.
    expect(parse(['data: a\r', '', '\ndata: b\r\n\r\n']).events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('joins multi-line data, accepts CRLF and CR line ends, and defaults the type to message', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r\ndata:b\rid: 3\n\n')).toEqual([{ event: 'message', data: 'a\nb', id: '3' }]);
  });

  it('dispatches nothing for a frame without data but still records its id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 9\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('9');
  });
});
