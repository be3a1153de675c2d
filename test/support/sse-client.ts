// Real Server-Sent Events clients for the integration tests of the live channel, /api/events.
//
// - `connectSse`: reads the stream as a browser's EventSource would (fetch, streaming body,
//   TextDecoder, the app's own SseParser), and records every event and comment line.
// - `connectStuckSse`: a raw TCP client that sends the request by hand and then never reads, so
//   the server sees a client whose socket has stopped draining; it can be let go later.
import { connect as netConnect, type Socket } from 'node:net';
import { SseParser, type ParsedEvent } from '../../lib/live/sse';
import { ChunkedDecoder, eventStreamRequest, isChunked, parseResponseHead } from '../../scripts/lib/raw-http.mjs';

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
  /** The first line of the stream, where the server puts its `retry:` hint. */
  firstLine: string | undefined;
  /** Set when the stream ended (server closed it, or close() was called), with the reason. */
  ended: string | undefined;

  private readonly parser = new SseParser({
    // The parser counts comments but keeps no text; keep it here, and the stream's first line.
    onLine: (line) => {
      this.firstLine ??= line;
      if (line.startsWith(':')) this.comments.push(line.slice(1).trimStart());
    },
  });
  private readonly decoder = new TextDecoder('utf-8');
  private waiters = new Set<Waiter>();

  constructor(private readonly label: string) {}

  /** The id of the last event that carried one, as EventSource keeps it for Last-Event-ID. */
  get lastEventId(): number | undefined {
    const id = this.parser.lastEventId;
    return id === '' ? undefined : Number(id);
  }

  protected receive(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
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
        this.receive(value);
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
  /** The response head so far; undefined once it has been read. */
  private head: Buffer | undefined = Buffer.alloc(0);
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
    socket.write(
      eventStreamRequest(target, { ...(lastEventId === undefined ? {} : { 'Last-Event-ID': String(lastEventId) }), ...headers }),
    );
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
    if (this.head) {
      this.head = Buffer.concat([this.head, data]);
      const response = parseResponseHead(this.head);
      if (!response) return;
      this.statusLine = response.statusLine;
      if (isChunked(response.headers)) this.chunked = new ChunkedDecoder();
      else if ('content-length' in response.headers || !/^close$/i.test(response.headers.connection ?? '')) {
        this.socket.destroy();
        return this.end(
          `expected a stream (chunked, or until the connection closes), got:\n${this.head.toString('latin1', 0, response.bodyStart)}`,
        );
      }
      data = this.head.subarray(response.bodyStart);
      this.head = undefined;
    }
    if (!this.chunked) return this.receive(data);
    for (const payload of this.chunked.push(data)) this.receive(payload);
    if (this.chunked.done) this.end('the server ended the stream');
  }
}

export function connectStuckSse(url: string, options?: Omit<SseConnectOptions, 'timeoutMs'>): Promise<StuckSseClient> {
  return StuckSseClient.connect(url, options);
}
