// Server-Sent Events framing (WHATWG HTML §9.2), framework-free: the server encodes each event
// once for all clients; tests and benchmarks parse streams with the same rules a browser uses.

/** One event frame. `data` is JSON text without line breaks (JSON.stringify never emits any). */
export function encodeEvent(event: string, data: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${data}\n\n`;
}

export const encodeComment = (text: string): string => `: ${text}\n\n`;
export const encodeRetry = (ms: number): string => `retry: ${ms}\n\n`;

export type ParsedEvent = { event: string; data: string; id?: string };

/**
 * Incremental parser: feed it text chunks as they arrive, get whole events back. Follows the
 * spec's rules for fields, comments, `\r\n`/`\r`/`\n` line ends and multi-line data.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private id: string | undefined;
  /** The last event id seen, as EventSource keeps it for Last-Event-ID. */
  lastEventId = '';
  retry: number | undefined;
  comments = 0;

  push(chunk: string): ParsedEvent[] {
    this.buffer += chunk;
    const out: ParsedEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.slice(start).search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const end = start + nl;
      const line = this.buffer.slice(start, end);
      start = end + (this.buffer.startsWith('\r\n', end) ? 2 : 1);
      const event = this.line(line);
      if (event) out.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string): ParsedEvent | undefined {
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

  private dispatch(): ParsedEvent | undefined {
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
