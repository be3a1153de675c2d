// The feed page's state and its fetches: the archive's latest page on opening (again, a few
// times, while it lags behind the live channel), older pages on request, live changes as the
// tab's live state brings them. Components read it through useSyncExternalStore (use-feed.ts).
import type { ReceivedChange } from '@/lib/live/reducer';
import { absorbLive, applyLatest, applyOlder, archiveGap, initialFeedState, type FeedState, type PageResult } from './feed-state';

export type FetchPage = (before: string | undefined, signal: AbortSignal) => Promise<PageResult>;
export type LiveView = { recent: readonly ReceivedChange[]; synced: boolean; revision: number };

/** Waits before each fetch of the latest page again: the archive lags by milliseconds, not seconds. */
export const RETRY_DELAYS_MS = [100, 200, 400, 800, 1600] as const;

export class FeedStore {
  private state: FeedState = initialFeedState;
  private readonly listeners = new Set<() => void>();
  private controller: AbortController | undefined;
  private latestInFlight = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private live: LiveView = { recent: [], synced: false, revision: 0 };

  constructor(private readonly fetchPage: FetchPage) {}

  getState = (): FeedState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Fetches while started; the returned stop aborts what is in flight (and may be followed by a start). */
  start(): () => void {
    const controller = (this.controller = new AbortController());
    if (this.state.latest !== 'loaded') this.fetchLatest();
    return () => {
      controller.abort();
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.latestInFlight = false;
      this.controller = undefined;
      // Its answer is dropped: a later start must be able to ask again.
      if (this.state.older === 'loading') this.set({ ...this.state, older: 'idle' });
    };
  }

  setLive(live: LiveView): void {
    this.live = live;
    this.set(absorbLive(this.state, live.recent));
    this.checkGap();
  }

  /** After the latest page failed to load. */
  retry(): void {
    if (!this.controller || this.latestInFlight) return;
    this.retries = 0;
    this.set({ ...this.state, latest: 'loading' });
    this.fetchLatest();
  }

  loadOlder(): void {
    const { next, older } = this.state;
    const signal = this.controller?.signal;
    if (next === null || older === 'loading' || !signal) return;
    this.set({ ...this.state, older: 'loading' });
    void this.fetchPage(next, signal).then((result) => {
      if (!signal.aborted) this.set(applyOlder(this.state, next, result));
    });
  }

  private fetchLatest(): void {
    const signal = this.controller!.signal;
    this.latestInFlight = true;
    void this.fetchPage(undefined, signal).then((result) => {
      if (signal.aborted) return;
      this.latestInFlight = false;
      this.set(applyLatest(this.state, result));
      this.checkGap();
    });
  }

  private checkGap(): void {
    if (!this.controller || this.latestInFlight || this.retryTimer !== undefined) return;
    const gap = archiveGap(this.state, this.live);
    if (gap === undefined) this.retries = 0;
    if (gap === undefined || this.retries >= RETRY_DELAYS_MS.length) {
      if (gap?.after !== this.state.missing?.after || gap?.upTo !== this.state.missing?.upTo) this.set({ ...this.state, missing: gap });
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fetchLatest();
    }, RETRY_DELAYS_MS[this.retries++]);
  }

  private set(next: FeedState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
