// The campaign's SSE clients: each reads /api/events through a cut proxy, and whenever its
// connection ends (a cut, its console killed) connects again — to the other console's proxy,
// since a client must be able to resume on any instance — with Last-Event-ID, as EventSource
// does. Each keeps its StreamOrder: the state it holds and what it saw go wrong.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSseStream } from '../bench/lib/sse-stream.mjs';
import { StreamOrder } from './stream-order.mjs';

export class SseClient {
  order = new StreamOrder();
  /** When the last snapshot arrived (performance.now()). */
  snapshotAt = -Infinity;
  /** @type {(() => void) | undefined} */
  closeStream;
  stopped = false;
  /** Connections that answered 200. */
  opened = 0;
  /** @type {Promise<void> | undefined} */
  running;

  /**
   * @param {string} name
   * @param {() => string[]} urls the proxies' URLs, one per console
   * @param {string} token
   * @param {import('./random.d.mts').Random} random
   * @param {number} first which proxy it starts on
   */
  constructor(name, urls, token, random, first) {
    this.name = name;
    this.urls = urls;
    this.token = token;
    this.random = random;
    this.next = first;
  }

  start() {
    this.running = this.run();
  }

  async run() {
    while (!this.stopped) {
      const url = this.urls()[this.next++ % this.urls().length];
      const lastEventId = this.order.loaded ? String(this.order.at) : undefined;
      /** @type {() => void} */
      let ended = () => {};
      const end = new Promise((resolve) => (ended = () => resolve(undefined)));
      this.order.connected(lastEventId === undefined ? undefined : Number(lastEventId));
      try {
        const stream = await openSseStream({
          url: `${url}/api/events`,
          token: this.token,
          lastEventId,
          onEvent: (event) => {
            this.order.receive(event, performance.now());
            if (event.event === 'snapshot') this.snapshotAt = performance.now();
          },
          onEnd: () => ended(),
        });
        this.opened++;
        this.closeStream = stream.close;
        await end;
      } catch {
        // the proxy's console is down or not ready (a 503): the next try goes to the other
      }
      if (!this.stopped) await sleep(this.random.between(50, 400));
    }
  }

  async stop() {
    this.stopped = true;
    this.closeStream?.();
    await this.running;
  }
}
