// One EventSource per tab, feeding the framework-free reducer; components read it through
// useSyncExternalStore (see use-live.ts). Never instantiated on the server.
import { LIVE_EVENT_NAMES, type LiveEvent } from '@/lib/live/protocol';
import { initialLiveState, liveReducer, type LiveAction, type LiveState } from '@/lib/live/reducer';

const MAX_RETRY_MS = 10_000;

export class LiveStore {
  private state: LiveState = initialLiveState;
  private readonly listeners = new Set<() => void>();
  private source: EventSource | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private users = 0;

  constructor(private readonly url = '/api/events') {}

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Connects while at least one component uses the store. */
  retain(): () => void {
    if (this.users++ === 0) this.connect();
    return () => {
      if (--this.users === 0) this.disconnect();
    };
  }

  private dispatch(action: LiveAction): void {
    const next = liveReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private connect(): void {
    // A fresh EventSource resumes from what this tab already has, instead of a full snapshot.
    const url = this.state.synced ? `${this.url}?lastEventId=${this.state.revision}` : this.url;
    const source = new EventSource(url);
    this.source = source;
    for (const name of LIVE_EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        this.failures = 0;
        const data = JSON.parse((message as MessageEvent<string>).data);
        const id = Number((message as MessageEvent).lastEventId);
        this.dispatch({ type: 'event', event: { event: name, id, data } as LiveEvent, at: Date.now() });
      });
    }
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.dispatch({ type: 'connection', state: 'reconnecting' });
        return;
      }
      // CLOSED: the browser gave up (a non-200 answer: the server restarting, or the session
      // expired); retry ourselves, or go to sign-in when the session is gone.
      this.dispatch({ type: 'connection', state: 'offline' });
      source.close();
      void fetch('/api/session').then(
        (res) => {
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load: the session is gone
          if (res.status === 401) window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        },
        () => undefined,
      );
      this.failures++;
      this.retryTimer = setTimeout(() => this.connect(), Math.min(MAX_RETRY_MS, 500 * 2 ** this.failures));
    };
  }

  private disconnect(): void {
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
  }
}
