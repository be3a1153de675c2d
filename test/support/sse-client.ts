// Real Server-Sent Events clients for the integration tests of /api/events (SPEC §4).
//
// - `connectSse`: reads the stream as a browser's EventSource would (fetch, streaming body,
//   TextDecoder, the app's own SseParser), and records every event and comment line.
// - `connectStuckSse`: a raw TCP client that sends the request by hand and then never reads, so
//   the server sees a client whose socket has stopped draining; it can be let go later.
import { connect as netConnect, type Socket } from 'node:net';
import { SseParser, type ParsedEvent } from '../../lib/live/sse';

/** One event as received: name, numeric id (when the frame had one) and the JSON data parsed. */
export type SseEvent<T = unknown> = { event: string; id?: number; data: T };

type Waiter = { check: () => boolean; resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

/** The recording half shared by both clients: parsed events, comment lines, waiters. */
class SseRecorder {
  readonly events: SseEvent[] = [];
  /** Text of every comment line (`: ping` → "ping"), in order. */
  readonly comments: string[] = [];
  /** The `retry:` hint, once received. */
  retry: number | undefined;
  /** The first line of the stream (SPEC §4 puts the `retry:` hint there). */
  firstLine: string | undefined;
  /** Set when the stream ended (server closed it, or close() was called), with the reason. */
  ended: string | undefined;

  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder('utf-8');
  private lineTail = '';
  private waiters = new Set<Waiter>();

  constructor(private readonly label: string) {}

  /** The id of the last event that carried one, as EventSource keeps it for Last-Event-ID. */
  get lastEventId(): number | undefined {
    const id = this.parser.lastEventId;
    return id === '' ? undefined : Number(id);
  }

  protected feed(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    this.scanLines(text);
    for (const parsed of this.parser.push(text)) this.events.push(toEvent(parsed));
    this.retry = this.parser.retry;
    this.notify();
  }

  protected end(reason: string): void {
    this.ended ??= reason;
    this.notify();
  }

  /**
   * Resolves with all events so far once `until` holds: a count of events, or a predicate over
   * every event received. Rejects at the deadline, or at once if the stream ended first.
   */
  waitForEvents(until: number | ((events: SseEvent[]) => boolean), timeoutMs = 10_000): Promise<SseEvent[]> {
    const check = typeof until === 'number' ? () => this.events.length >= until : () => until(this.events);
    const what = typeof until === 'number' ? `${until} events` : 'the awaited events';
    return this.waitUntil(check, what, timeoutMs).then(() => this.events);
  }

  /** Resolves once `count` comment lines arrived. */
  waitForComments(count: number, timeoutMs = 10_000): Promise<string[]> {
    return this.waitUntil(() => this.comments.length >= count, `${count} comment lines`, timeoutMs).then(() => this.comments);
  }

  /** Events after the first `from` (handy to look at what one step of a test added). */
  eventsSince(from: number): SseEvent[] {
    return this.events.slice(from);
  }

  private waitUntil(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; ${this.describe()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private notify(): void {
    for (const waiter of this.waiters) {
      if (waiter.check()) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve();
      } else if (this.ended !== undefined) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.reject(new Error(`${this.label}: the stream ended (${this.ended}) before the awaited condition; ${this.describe()}`));
      }
    }
  }

  /** A short account of what arrived, for failure messages. */
  describe(): string {
    const tail = this.events.slice(-8).map((e) => `${e.event}${e.id === undefined ? '' : `#${e.id}`}`);
    return `received ${this.events.length} events (last: ${tail.join(', ') || 'none'}), ${this.comments.length} comments`;
  }

  // SseParser counts comment lines but keeps no text; keep the text of `:` lines here, and the
  // stream's first line. (A `\r\n` split across two chunks would count one empty line too many,
  // which neither needs.)
  private scanLines(text: string): void {
    const lines = (this.lineTail + text).split(/\r\n|\r|\n/);
    this.lineTail = lines.pop() ?? '';
    for (const line of lines) {
      this.firstLine ??= line;
      if (line.startsWith(':')) this.comments.push(line.slice(1).trimStart());
    }
  }
}

function toEvent(parsed: ParsedEvent): SseEvent {
  let data: unknown;
  try {
    data = JSON.parse(parsed.data);
  } catch {
    data = parsed.data; // not JSON: keep the text so a test can say what it was
  }
  return { event: parsed.event, ...(parsed.id === undefined ? {} : { id: Number(parsed.id) }), data };
}

export type SseConnectOptions = {
  /** Sent as the `Last-Event-ID` header, like a reconnecting EventSource. */
  lastEventId?: number | string;
  headers?: Record<string, string>;
  /** Deadline for the response headers. */
  timeoutMs?: number;
};

/** A connected SSE stream read by fetch. */
export class SseClient extends SseRecorder {
  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
    label: string,
  ) {
    super(label);
  }

  get status(): number {
    return this.response.status;
  }

  get headers(): Headers {
    return this.response.headers;
  }

  /** Opens `url` (…/api/events) and starts reading; resolves once the response headers arrived. */
  static async connect(url: string, { lastEventId, headers = {}, timeoutMs = 10_000 }: SseConnectOptions = {}): Promise<SseClient> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no response from ${url} within ${timeoutMs} ms`)), timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
          ...headers,
        },
        signal: abort.signal,
      });
    } finally {
      clearTimeout(timer);
    }
    const client = new SseClient(response, abort, `SSE ${url}${lastEventId === undefined ? '' : ` (Last-Event-ID ${lastEventId})`}`);
    void client.pump();
    return client;
  }

  /** Aborts the request, as a closed tab would. */
  close(): void {
    this.abort.abort();
    this.end('closed by the test');
  }

  private async pump(): Promise<void> {
    if (!this.response.body) return this.end(`no body (HTTP ${this.response.status})`);
    const reader = this.response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return this.end('the server ended the stream');
        this.feed(value);
      }
    } catch (err) {
      this.end(this.abort.signal.aborted ? 'closed by the test' : `read failed: ${String(err)}`);
    }
  }
}

export function connectSse(url: string, options?: SseConnectOptions): Promise<SseClient> {
  return SseClient.connect(url, options);
}

/**
 * A client that sends `GET <path>` over a raw socket and then never reads: the bytes the server
 * sends pile up in the kernel's socket buffers, then in the server. `release()` starts reading
 * (an HTTP/1.1 body either chunked, decoded by hand, or ending when the connection does) and
 * records events like SseClient.
 */
export class StuckSseClient extends SseRecorder {
  /** Bytes of the response read so far (0 while stuck). */
  bytesRead = 0;
  statusLine: string | undefined;
  private head: Buffer = Buffer.alloc(0);
  private headerDone = false;
  /** Undefined when the body is not chunked but runs until the connection closes. */
  private chunked: ChunkedDecoder | undefined;

  private constructor(
    private readonly socket: Socket,
    label: string,
  ) {
    super(label);
  }

  static async connect(url: string, { lastEventId, headers = {} }: Omit<SseConnectOptions, 'timeoutMs'> = {}): Promise<StuckSseClient> {
    const target = new URL(url);
    const socket = netConnect({ host: target.hostname, port: Number(target.port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    // Never read: no data listener, and the socket stops pulling from the kernel right away.
    socket.pause();
    const lines = [
      `GET ${target.pathname}${target.search} HTTP/1.1`,
      `Host: ${target.host}`,
      'Accept: text/event-stream',
      'Cache-Control: no-cache',
      ...(lastEventId === undefined ? [] : [`Last-Event-ID: ${lastEventId}`]),
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const client = new StuckSseClient(socket, `stuck SSE ${url}`);
    socket.on('error', (err) => client.end(`socket error: ${err.message}`));
    socket.on('close', () => client.end('socket closed'));
    return client;
  }

  /** Starts reading: everything the server queued, then the live stream. */
  release(): void {
    this.socket.on('data', (data: Buffer) => this.onData(data));
    this.socket.resume();
  }

  close(): void {
    this.socket.destroy();
    this.end('closed by the test');
  }

  private onData(data: Buffer): void {
    this.bytesRead += data.length;
    if (!this.headerDone) {
      this.head = Buffer.concat([this.head, data]);
      const endOfHead = this.head.indexOf('\r\n\r\n');
      if (endOfHead < 0) return;
      const headText = this.head.subarray(0, endOfHead).toString('latin1');
      this.statusLine = headText.split('\r\n')[0];
      if (/^transfer-encoding:\s*chunked\s*$/im.test(headText)) this.chunked = new ChunkedDecoder();
      else if (/^content-length:/im.test(headText) || !/^connection:\s*close\s*$/im.test(headText)) {
        this.socket.destroy();
        return this.end(`expected a stream (chunked, or until the connection closes), got:\n${headText}`);
      }
      this.headerDone = true;
      data = this.head.subarray(endOfHead + 4);
      this.head = Buffer.alloc(0);
    }
    if (!this.chunked) return this.feed(data);
    for (const payload of this.chunked.push(data)) this.feed(payload);
    if (this.chunked.finished) this.end('the server ended the stream');
  }
}

export function connectStuckSse(url: string, options?: Omit<SseConnectOptions, 'timeoutMs'>): Promise<StuckSseClient> {
  return StuckSseClient.connect(url, options);
}

/** HTTP/1.1 `Transfer-Encoding: chunked` body decoder (RFC 9112 §7.1), incremental. */
class ChunkedDecoder {
  finished = false;
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of chunk data still to read; -1 while a size line is expected. */
  private remaining = -1;

  push(data: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    const out: Buffer[] = [];
    while (!this.finished) {
      if (this.remaining < 0) {
        const eol = this.buffer.indexOf('\r\n');
        if (eol < 0) break;
        const size = parseInt(this.buffer.subarray(0, eol).toString('latin1').split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size)) throw new Error(`bad chunk size line: ${this.buffer.subarray(0, eol).toString('latin1')}`);
        this.buffer = this.buffer.subarray(eol + 2);
        if (size === 0) {
          this.finished = true;
          break;
        }
        this.remaining = size;
      }
      // Chunk data, then its CRLF.
      if (this.buffer.length < this.remaining + 2) {
        if (this.buffer.length > 0 && this.buffer.length <= this.remaining) {
          out.push(this.buffer);
          this.remaining -= this.buffer.length;
          this.buffer = Buffer.alloc(0);
        }
        break;
      }
      out.push(this.buffer.subarray(0, this.remaining));
      this.buffer = this.buffer.subarray(this.remaining + 2);
      this.remaining = -1;
    }
    return out;
  }
}
