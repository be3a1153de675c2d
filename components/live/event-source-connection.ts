// The tab's own connection to GET /api/events: one EventSource, reopened with a backoff when the
// browser gives up on it. Only the tab that leads (tab-share.ts) or a tab that cannot share opens one.
import { LIVE_EVENT_NAMES, type LiveEvent } from '@/lib/live/protocol';
import type { ConnectionState } from '@/lib/live/reducer';

const MAX_RETRY_MS = 10_000;

export type ConnectionListener = {
  event(event: LiveEvent): void;
  connection(state: ConnectionState): void;
};

export class EventSourceConnection {
  private source: EventSource | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  /** `resumeFrom()`: the revision this tab already has, or undefined to get a snapshot. */
  constructor(
    private readonly url: string,
    private readonly listener: ConnectionListener,
    private readonly resumeFrom: () => number | undefined,
  ) {}

  open(): void {
    // A fresh EventSource resumes from what this tab already has, instead of a full snapshot.
    const revision = this.resumeFrom();
    const source = new EventSource(revision === undefined ? this.url : `${this.url}?lastEventId=${revision}`);
    this.source = source;
    for (const name of LIVE_EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        this.failures = 0;
        const data = JSON.parse((message as MessageEvent<string>).data);
        const id = Number((message as MessageEvent).lastEventId);
        this.listener.event({ event: name, id, data } as LiveEvent);
      });
    }
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.listener.connection('reconnecting');
        return;
      }
      // CLOSED: the browser gave up (a non-200 answer: the server restarting, or the session
      // expired); retry ourselves, or go to sign-in when the session is gone.
      this.listener.connection('offline');
      source.close();
      void fetch('/api/session').then(
        (res) => {
          if (res.status !== 401) return;
          const next = encodeURIComponent(window.location.pathname + window.location.search);
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load: the session is gone
          window.location.assign(`/login?next=${next}`);
        },
        () => undefined,
      );
      this.failures++;
      this.retryTimer = setTimeout(() => this.open(), Math.min(MAX_RETRY_MS, 500 * 2 ** this.failures));
    };
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
  }
}
