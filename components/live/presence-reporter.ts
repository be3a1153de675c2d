// Tells the console which pipe this tab shows and whether it holds unsaved edits there: every
// tab on its own, under its own id, whichever tab holds the shared live connection. A post when
// that changes, a heartbeat every interval the server announces (the server drops a tab silent
// for three), and a beacon when the page goes away. Presence is best effort: nothing here is ever
// shown to the user, and a failed post is simply made again at the next heartbeat.
//
// Framework-free and browser-free: the network, the timer, the clock and the page's lifecycle
// come in as ports (browser-presence.ts binds the browser's own), so it is tested in Node.
import { DEFAULT_PRESENCE_INTERVAL_MS } from '@/lib/live/protocol';

/** What a tab reports: the pipe it shows (null: none) and whether it holds unsaved edits there. */
export type PresenceReport = { key: string | null; editing: boolean };
/** The body of POST /api/presence. */
export type PresenceBody = PresenceReport & { tab: string };

/** The server counts posts per tab per second: a post it refused for that waits that long. */
export const RATE_WINDOW_MS = 1_000;

export type PresencePorts = {
  tabId: string;
  /** POST /api/presence: resolves with the answer's status, rejects when the console cannot be reached. */
  post(body: PresenceBody): Promise<number>;
  /** navigator.sendBeacon: delivered even when the page is going away. */
  beacon(body: PresenceBody): void;
  /** Calls `callback` after `ms`; returns its cancel. */
  after(ms: number, callback: () => void): () => void;
  now(): number;
  /** pagehide: the page is closed, left, or put into the back/forward cache. Returns the removal. */
  onPageHide(listener: () => void): () => void;
  /** The page came back from the back/forward cache. Returns the removal. */
  onPageRestored(listener: () => void): () => void;
};

const NOWHERE: PresenceReport = { key: null, editing: false };
const same = (a: PresenceReport, b: PresenceReport | undefined) => b !== undefined && a.key === b.key && a.editing === b.editing;

export class PresenceReporter {
  private wanted: PresenceReport = NOWHERE;
  /** What the server holds for this tab as far as this tab knows; undefined after a failed post (it may or may not have it). */
  private told: PresenceReport | undefined = NOWHERE;
  private intervalMs = DEFAULT_PRESENCE_INTERVAL_MS;
  private lastPostAt = 0;
  /** Why the last post is to be made again later rather than at once. */
  private retry: 'none' | 'limited' | 'failed' = 'none';
  private inFlight = false;
  /** Bumped when the page goes away: what a post made before then learns no longer applies. */
  private epoch = 0;
  private hidden = false;
  private stopped = true;
  private cancelTimer: (() => void) | undefined;
  private removeListeners: (() => void)[] = [];

  constructor(private readonly ports: PresencePorts) {}

  /** Starts reporting (what was reported before included); again after stop() too. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.removeListeners = [this.ports.onPageHide(() => this.pageHidden()), this.ports.onPageRestored(() => this.pageRestored())];
    this.plan();
  }

  /**
   * The pipe this tab shows now and whether it holds unsaved edits; calls within one turn make
   * one post. Kept while stopped, and posted once started.
   */
  report(key: string | null, editing: boolean): void {
    const next = { key, editing: key !== null && editing };
    if (same(next, this.wanted)) return;
    this.wanted = next;
    this.retry = 'none'; // a new state is worth a post at once, even after a failure
    this.plan();
  }

  /** The heartbeat interval the server announced. */
  setInterval(ms: number): void {
    if (ms === this.intervalMs || !(ms > 0)) return;
    this.intervalMs = ms;
    this.plan();
  }

  /** Says goodbye (when the server may hold this tab somewhere) and stops. */
  stop(): void {
    if (this.stopped) return;
    this.goodbye();
    this.stopped = true;
    this.hidden = false;
    this.plan(); // cancels the heartbeat
    for (const remove of this.removeListeners) remove();
    this.removeListeners = [];
  }

  /** Sets the one timer to the next post due, if any. */
  private plan(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.inFlight || this.hidden || this.stopped) return; // replanned when that ends
    const delay = this.delay();
    if (delay !== undefined) this.cancelTimer = this.ports.after(Math.max(0, delay), () => this.send());
  }

  private delay(): number | undefined {
    const sinceLast = this.ports.now() - this.lastPostAt;
    if (this.retry === 'failed') return this.intervalMs - sinceLast;
    if (this.retry === 'limited') return Math.min(RATE_WINDOW_MS, this.intervalMs) - sinceLast;
    if (!same(this.wanted, this.told)) return 0;
    // On no pipe, with the server told so: nothing to keep alive.
    if (this.told?.key == null) return undefined;
    return this.intervalMs - sinceLast;
  }

  private send(): void {
    this.cancelTimer = undefined;
    const report = this.wanted;
    const epoch = this.epoch;
    const before = this.told;
    this.inFlight = true;
    this.lastPostAt = this.ports.now();
    this.retry = 'none';
    const settle = (status: number | undefined) => {
      this.inFlight = false;
      if (epoch === this.epoch) {
        if (status !== undefined && status >= 200 && status < 300) this.told = report;
        else if (status === 429) {
          // Refused for posting too often; the server keeps what it had.
          this.told = before;
          if (!same(report, before)) this.retry = 'limited';
        } else {
          this.told = undefined;
          this.retry = 'failed';
        }
      }
      // The next post is timed from this answer, not from a timer's callback: Chrome holds chains
      // of timers in a tab hidden for minutes to one a minute, longer than the server waits.
      this.plan();
    };
    this.ports.post({ tab: this.ports.tabId, ...report }).then(settle, () => settle(undefined));
  }

  private goodbye(): void {
    if (this.told?.key === null && !this.inFlight) return; // the server holds this tab nowhere
    this.ports.beacon({ tab: this.ports.tabId, ...NOWHERE });
    this.epoch++;
    this.told = NOWHERE;
    this.retry = 'none';
  }

  private pageHidden(): void {
    if (this.hidden || this.stopped) return;
    this.goodbye();
    this.hidden = true;
    this.plan(); // cancels the heartbeat
  }

  /** Back from the back/forward cache, the page still shows its pipe: say so again. */
  private pageRestored(): void {
    if (!this.hidden || this.stopped) return;
    this.hidden = false;
    this.plan();
  }
}
