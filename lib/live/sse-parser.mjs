// The one Server-Sent Events parser (WHATWG HTML, "Parsing an event stream"), for everything that
// reads a stream the way a browser's EventSource does: the integration tests' clients and the
// benchmarks' clients. Plain JS with its types beside it (sse-parser.d.mts), because the
// benchmarks run under plain node, which cannot load TypeScript; the app re-exports it from sse.ts.

/** @typedef {import('./sse-parser.d.mts').SseParser} Declared what sse-parser.d.mts promises */

/**
 * Incremental parser: push it text chunks as they arrive, get whole events back. Fields,
 * comments, multi-line data, and CR, LF or CRLF line ends, wherever the chunks are cut.
 * @implements {Declared}
 */
export class SseParser {
  /** The end of the text so far that is not a whole line yet. */
  #partial = '';
  /**
   * The last chunk ended with a CR: the line has ended, but an LF at the start of the next chunk
   * is the second half of that CRLF, not a blank line. Remembering it, rather than holding the
   * CR back until the next chunk, dispatches an event whose blank line ends in CR at once.
   */
  #afterCr = false;
  /** @type {string[]} */
  #data = [];
  #eventType = '';
  /** @type {string | undefined} */
  #id = undefined;
  /** @type {((line: string) => void) | undefined} */
  #onLine;

  lastEventId = '';
  /** @type {number | undefined} */
  retry = undefined;
  comments = 0;

  /** @param {{ onLine?: (line: string) => void }} [options] */
  constructor({ onLine } = {}) {
    this.#onLine = onLine;
  }

  /**
   * @param {string} chunk
   * @returns {import('./sse-parser.d.mts').ParsedEvent[]}
   */
  push(chunk) {
    if (chunk === '') return []; // and #afterCr still holds for the next chunk
    const text = this.#partial + chunk;
    // After a CR that ended the last chunk, nothing was left partial.
    let start = this.#afterCr && text.startsWith('\n') ? 1 : 0;
    this.#afterCr = text.endsWith('\r');
    /** @type {import('./sse-parser.d.mts').ParsedEvent[]} */
    const out = [];
    // One scan over the text, no re-slicing per line: a benchmark client parses a thousand streams.
    const lineEnd = /\r\n|\r|\n/g;
    lineEnd.lastIndex = start;
    for (let m = lineEnd.exec(text); m; m = lineEnd.exec(text)) {
      const event = this.#line(text.slice(start, m.index));
      start = m.index + m[0].length;
      if (event) out.push(event);
    }
    this.#partial = text.slice(start);
    return out;
  }

  /** @param {string} line */
  #line(line) {
    this.#onLine?.(line);
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  #dispatch() {
    if (this.#id !== undefined) this.lastEventId = this.#id;
    const event = this.#data.length
      ? { event: this.#eventType || 'message', data: this.#data.join('\n'), ...(this.#id !== undefined ? { id: this.#id } : {}) }
      : undefined;
    this.#data = [];
    this.#eventType = '';
    this.#id = undefined;
    return event;
  }
}
