// One live connection for all tabs of a browser: a browser opens at most 6 HTTP/1.1 connections
// per origin, and an EventSource per tab would use them up. The tab that holds the Web Lock
// "pipes-console-live" leads: it opens the connection and relays every event over a
// BroadcastChannel; the others follow. When the leader closes, the next tab in the lock's queue
// leads and resumes from its own revision (Last-Event-ID), so no change is missed in between.
//
// Framework-free and browser-free: the lock, the channels, the timer and the page's visibility
// come in as ports (browser-tab-share.ts binds the browser's own), so the election can be run in
// Node with fakes.
import type { LiveEvent, PresenceData, Snapshot } from '@/lib/live/protocol';
import type { ConnectionState, LiveState } from '@/lib/live/reducer';

export const LIVE_SHARE_NAME = 'pipes-console-live';
/** Each tab's own channel, where the leader answers that tab's greeting. */
export const tabChannelName = (tabId: string): string => `${LIVE_SHARE_NAME}:${tabId}`;
// A follower whose greeting goes unanswered this long takes the lead: the leader is frozen (a
// discarded or suspended background tab keeps its lock) or gone without releasing it.
export const LEADER_SILENCE_MS = 3_000;

/** What the leader relays to every tab. */
export type Relay = { type: 'event'; event: LiveEvent } | { type: 'connection'; state: ConnectionState };

/** On the channel all tabs share. */
export type ShareMessage = Relay | { type: 'hello'; from: string; wantsSnapshot: boolean } | { type: 'leader'; from: string };

/** The leader's answer to a greeting, on the greeting tab's own channel. */
export type SharedState = {
  type: 'state';
  snapshot: Snapshot | undefined;
  nats: LiveState['nats'];
  jetstream: LiveState['jetstream'];
  connection: ConnectionState;
  /**
   * The last presence the leader heard, so a joining tab shows who is where at once rather than
   * at the next change of it; undefined while the leader has heard none.
   */
  presence: PresenceData | undefined;
};

/** The state a leader answers a greeting with: its snapshot only when the greeting tab has none. */
export function sharedStateOf(state: LiveState, withSnapshot: boolean): SharedState {
  const { synced, revision, pipes, nats, jetstream, connection, intervalMs } = state;
  const snapshot = withSnapshot && synced ? { revision, pipes: [...pipes.values()] } : undefined;
  const presence = intervalMs === undefined ? undefined : { presence: [...state.presence.values()].flat(), interval_ms: intervalMs };
  return { type: 'state', snapshot, nats, jetstream, connection, presence };
}

/** The events a tab applies for a leader's state: the snapshot if it has none yet, the link's status, the presence. */
export function eventsOfSharedState(shared: SharedState, synced: boolean): LiveEvent[] {
  const { snapshot, nats, jetstream, presence } = shared;
  const events: LiveEvent[] = [];
  if (snapshot && !synced) events.push({ event: 'snapshot', id: snapshot.revision, data: snapshot });
  if (nats && jetstream)
    events.push({ event: 'status', data: { nats, jetstream, ready: snapshot !== undefined, revision: snapshot?.revision ?? 0 } });
  if (presence) events.push({ event: 'presence', data: presence });
  return events;
}

export type TabShareHost = {
  /** This tab leads now: open the connection and publish what it brings. */
  lead(): void;
  /** Another tab took the lead: close the connection. */
  follow(): void;
  /** An event or connection change relayed by the leader, or the leader's state. */
  receive(message: Relay | SharedState): void;
  /** Whether this tab has no pipes yet (it then asks the leader for a snapshot). */
  wantsSnapshot(): boolean;
  /** This tab's state, for a tab that greeted it. */
  stateFor(withSnapshot: boolean): SharedState;
};

/** The part of navigator.locks used here; the browser's LockManager is one. */
export type LockPort = {
  request(name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: () => Promise<void> | undefined): Promise<unknown>;
};

export type ChannelPort<T> = { post(message: T): void; close(): void };

export type TabSharePorts = {
  /** Unique among the browser's tabs. */
  tabId: string;
  locks: LockPort;
  /** A BroadcastChannel: what one tab posts reaches the other tabs' channels of that name, never its own. */
  openChannel<T>(name: string, onMessage?: (message: T) => void): ChannelPort<T>;
  /** Calls `callback` after `ms`; returns its cancel. */
  after(ms: number, callback: () => void): () => void;
  /** Calls `listener` whenever the tab comes to the front; returns its removal. */
  onVisible(listener: () => void): () => void;
};

export class TabShare {
  private readonly shared: ChannelPort<ShareMessage>;
  private readonly own: ChannelPort<SharedState>;
  private readonly stopWatchingVisibility: () => void;
  private leading = false;
  private stopped = false;
  private queued: AbortController | undefined;
  private releaseLock: (() => void) | undefined;
  private cancelSilence: (() => void) | undefined;

  constructor(
    private readonly host: TabShareHost,
    private readonly ports: TabSharePorts,
  ) {
    this.shared = ports.openChannel<ShareMessage>(LIVE_SHARE_NAME, (message) => this.onMessage(message));
    this.own = ports.openChannel<SharedState>(tabChannelName(ports.tabId), (state) => this.onState(state));
    // Back in front: a leader frozen in the background is noticed now, not on the next change.
    this.stopWatchingVisibility = ports.onVisible(() => this.greet());
    this.requestLock('queue');
    this.greet();
  }

  publish(message: Relay): void {
    if (this.leading) this.shared.post(message);
  }

  stop(): void {
    this.stopped = true;
    this.stopWatchingVisibility();
    this.cancelSilence?.();
    this.queued?.abort();
    this.releaseLock?.();
    this.leading = false;
    this.shared.close();
    this.own.close();
  }

  private requestLock(mode: 'queue' | 'steal'): void {
    this.queued?.abort(); // a tab waits in the lock's queue once
    const queued = mode === 'queue' ? new AbortController() : undefined;
    this.queued = queued;
    this.ports.locks
      .request(LIVE_SHARE_NAME, queued ? { signal: queued.signal } : { steal: true }, () => {
        if (this.stopped) return undefined;
        this.leading = true;
        this.cancelSilence?.();
        this.shared.post({ type: 'leader', from: this.ports.tabId });
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
    this.shared.post({ type: 'hello', from: this.ports.tabId, wantsSnapshot: this.host.wantsSnapshot() });
    this.cancelSilence?.();
    this.cancelSilence = this.ports.after(LEADER_SILENCE_MS, () => {
      if (!this.leading && !this.stopped) this.requestLock('steal');
    });
  }

  private onMessage(message: ShareMessage): void {
    switch (message.type) {
      case 'hello': {
        if (!this.leading) return;
        // Only to the tab that asked: a snapshot can be the whole bucket, and every other tab
        // would copy it only to throw it away. A browser delivers one tab's messages in the
        // order posted, whatever the channel, so the events relayed after it arrive after it.
        const reply = this.ports.openChannel<SharedState>(tabChannelName(message.from));
        reply.post(this.host.stateFor(message.wantsSnapshot));
        reply.close(); // the message is already on its way
        return;
      }
      case 'leader':
        if (this.leading)
          this.stepDown(); // this tab's lock was stolen
        else this.greet(); // checks the new leader answers, and gets a snapshot if this tab has none
        return;
      case 'event':
      case 'connection':
        if (!this.leading) this.host.receive(message);
        return;
    }
  }

  private onState(state: SharedState): void {
    this.cancelSilence?.();
    this.host.receive(state);
  }
}
