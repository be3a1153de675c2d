import { describe, expect, it } from 'vitest';
import { encodeComment, encodeEvent, encodeRetry, SseParser } from './sse';

describe('SSE framing', () => {
  it('round-trips encoded events through the parser, split at every possible byte', () => {
    const text = encodeRetry(1000) + encodeEvent('put', '{"a":1}', 7) + encodeComment('ping') + encodeEvent('status', '{"nats":"connected"}');
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'put', data: '{"a":1}', id: '7' },
        { event: 'status', data: '{"nats":"connected"}' },
      ]);
      expect(parser.lastEventId).toBe('7');
      expect(parser.retry).toBe(1000);
      expect(parser.comments).toBe(1);
    }
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
