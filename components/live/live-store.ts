// The tab's live state: events from the live connection go to the framework-free reducer, a frame
// at a time; components read it through useSyncExternalStore (live-provider.tsx). The connection
// is shared by all tabs where the browser allows it (tab-share.ts): one tab's EventSource, every
// tab's store. Never instantiated on the server.
import type { LiveEvent } from '@/lib/live/protocol';
import { initialLiveState, liveReducer, type ConnectionState, type LiveAction, type LiveState } from '@/lib/live/reducer';
import { shareWithOtherTabs } from './browser-tab-share';
import { EventSourceConnection } from './event-source-connection';
import { takeListHeadStart } from './list-head-start';
import { eventsOfSharedState, sharedStateOf, type Relay, type SharedState, type TabShare, type TabShareHost } from './tab-share';

// Hidden tabs get no animation frames: their events are applied by this timer instead.
const HIDDEN_FLUSH_MS = 250;
// How long the lead waits for the page's own fetch of the list before it asks the channel.
const HEAD_START_WAIT_MS = 5_000;

export class LiveStore implements TabShareHost {
  private state: LiveState = initialLiveState;
  private readonly listeners = new Set<() => void>();
  private pending: LiveEvent[] = [];
  private frame: number | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private connection: EventSourceConnection | undefined;
  private share: TabShare | undefined;
  private users = 0;

  constructor(private readonly url = '/api/events') {}

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Connects (or joins the tab that is connected) while at least one component uses the store. */
  retain(): () => void {
    if (this.users++ === 0) {
      this.share = shareWithOtherTabs(this);
      if (!this.share) this.lead();
    }
    return () => {
      if (--this.users > 0) return;
      this.share?.stop();
      this.share = undefined;
      this.follow();
    };
  }

  lead(): void {
    this.flush(); // resume from everything this tab has
    this.connection?.close();
    const onEvent = (event: LiveEvent) => {
      this.share?.publish({ type: 'event', event });
      this.enqueue(event);
    };
    const connection = new EventSourceConnection(
      this.url,
      {
        event: onEvent,
        connection: (state) => {
          this.share?.publish({ type: 'connection', state });
          this.setConnection(state);
        },
      },
      () => (this.state.synced ? this.state.revision : undefined),
    );
    this.connection = connection;
    const headStart = this.state.synced ? undefined : takeListHeadStart();
    if (!headStart) return connection.open();
    // A fetch that hangs (a server gone mid-answer) must not keep the channel closed.
    const giveUp = new Promise<undefined>((resolve) => setTimeout(resolve, HEAD_START_WAIT_MS));
    void Promise.race([headStart, giveUp]).then((snapshot) => {
      if (this.connection !== connection) return; // stopped leading meanwhile
      if (snapshot && !this.state.synced) {
        onEvent({ event: 'snapshot', id: snapshot.revision, data: snapshot });
        this.flush(); // the EventSource resumes from the snapshot's revision
      }
      connection.open();
    });
  }

  follow(): void {
    this.connection?.close();
    this.connection = undefined;
  }

  receive(message: Relay | SharedState): void {
    if (message.type === 'event') this.enqueue(message.event);
    else if (message.type === 'connection') this.setConnection(message.state);
    else {
      for (const event of eventsOfSharedState(message, this.state.synced)) this.enqueue(event);
      this.setConnection(message.connection);
    }
  }

  wantsSnapshot(): boolean {
    return !this.state.synced;
  }

  stateFor(withSnapshot: boolean): SharedState {
    this.flush();
    return sharedStateOf(this.state, withSnapshot);
  }

  private enqueue(event: LiveEvent): void {
    this.pending.push(event);
    // One state change per frame at most, however many events arrive in it.
    this.frame ??= requestAnimationFrame(this.flush);
    this.flushTimer ??= setTimeout(this.flush, HIDDEN_FLUSH_MS);
  }

  private readonly flush = (): void => {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    clearTimeout(this.flushTimer);
    this.frame = this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.dispatch({ type: 'events', events, at: Date.now() });
  };

  private setConnection(state: ConnectionState): void {
    this.flush(); // in order with the events before it
    this.dispatch({ type: 'connection', state });
  }

  private dispatch(action: LiveAction): void {
    const next = liveReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
