// One live connection for all tabs of a browser: a browser opens at most 6 HTTP/1.1 connections
// per origin, and an EventSource per tab would use them up. The tab that holds the Web Lock
// "pipes-console-live" leads: it opens the EventSource and relays every event over a
// BroadcastChannel; the others follow. When the leader closes, the next tab in the lock's queue
// leads and resumes from its own revision (Last-Event-ID), so no change is missed in between.
import type { LiveEvent, NatsLinkState, SnapshotData } from '@/lib/live/protocol';
import type { ConnectionState } from '@/lib/live/reducer';

const NAME = 'pipes-console-live';
// A follower whose greeting goes unanswered this long takes the lead: the leader is frozen (a
// discarded or suspended background tab keeps its lock) or gone without releasing it.
const LEADER_SILENCE_MS = 3_000;

export type SharedState = { type: 'state'; to: string; snapshot: SnapshotData | undefined; nats: NatsLinkState | undefined; connection: ConnectionState };

export type ShareMessage =
  | { type: 'event'; event: LiveEvent }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'hello'; from: string; wantsSnapshot: boolean }
  | { type: 'leader'; from: string }
  | SharedState;

export type TabShareHost = {
  /** This tab leads now: open the connection and publish what it brings. */
  lead(): void;
  /** Another tab took the lead: close the connection. */
  follow(): void;
  /** An event, connection change or state from the leader. */
  receive(message: ShareMessage): void;
  /** Whether this tab has no pipes yet (it then asks the leader for a snapshot). */
  wantsSnapshot(): boolean;
  /** This tab's state for a tab that asked (the leader's answer to 'hello'). */
  stateFor(to: string, withSnapshot: boolean): SharedState;
};

export class TabShare {
  /** Web Locks need a secure context (https, or localhost); elsewhere every tab connects itself. */
  static supported(): boolean {
    return typeof BroadcastChannel === 'function' && typeof navigator !== 'undefined' && navigator.locks !== undefined;
  }

  private readonly id = crypto.randomUUID();
  private readonly channel = new BroadcastChannel(NAME);
  private leading = false;
  private stopped = false;
  private queued: AbortController | undefined;
  private releaseLock: (() => void) | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: TabShareHost) {
    this.channel.onmessage = (message: MessageEvent<ShareMessage>) => this.onMessage(message.data);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    this.requestLock('queue');
    this.greet();
  }

  publish(message: ShareMessage): void {
    if (this.leading) this.channel.postMessage(message);
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    clearTimeout(this.silenceTimer);
    this.queued?.abort();
    this.releaseLock?.();
    this.leading = false;
    this.channel.close();
  }

  private requestLock(mode: 'queue' | 'steal'): void {
    this.queued?.abort(); // a tab waits in the lock's queue once
    const queued = mode === 'queue' ? new AbortController() : undefined;
    this.queued = queued;
    const options: LockOptions = queued ? { signal: queued.signal } : { steal: true };
    navigator.locks
      .request(NAME, options, () => {
        if (this.stopped) return undefined;
        this.leading = true;
        clearTimeout(this.silenceTimer);
        this.channel.postMessage({ type: 'leader', from: this.id } satisfies ShareMessage);
        this.host.lead();
        // Held until this tab stops or steps down (or closes: the browser releases it then).
        return new Promise<void>((resolve) => (this.releaseLock = resolve));
      })
      // AbortError: stopped while queued, or the lock was stolen (the thief's 'leader' message
      // makes this tab step down).
      .catch(() => undefined);
  }

  private stepDown(): void {
    this.leading = false;
    this.releaseLock?.();
    this.releaseLock = undefined;
    this.host.follow();
    this.requestLock('queue');
  }

  /** Asks the leader for its state; a leader that does not answer is replaced. */
  private greet(): void {
    if (this.leading || this.stopped) return;
    this.channel.postMessage({ type: 'hello', from: this.id, wantsSnapshot: this.host.wantsSnapshot() } satisfies ShareMessage);
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (!this.leading && !this.stopped) this.requestLock('steal');
    }, LEADER_SILENCE_MS);
  }

  private onMessage(message: ShareMessage): void {
    switch (message.type) {
      case 'hello':
        if (this.leading) this.channel.postMessage(this.host.stateFor(message.from, message.wantsSnapshot));
        return;
      case 'state':
        if (message.to !== this.id) return;
        clearTimeout(this.silenceTimer);
        this.host.receive(message);
        return;
      case 'leader':
        if (this.leading) this.stepDown(); // this tab's lock was stolen
        else this.greet(); // checks the new leader answers, and gets a snapshot if this tab has none
        return;
      case 'event':
      case 'connection':
        if (!this.leading) this.host.receive(message);
        return;
    }
  }

  // Back in front: a leader frozen in the background is noticed now, not on the next change.
  private readonly onVisibilityChange = () => {
    if (document.visibilityState === 'visible') this.greet();
  };
}
