import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent, PresenceData } from '@/lib/live/protocol';
import { initialLiveState, liveReducer, type LiveState } from '@/lib/live/reducer';
import type { Entry } from '@/lib/pipes/entry';
import {
  eventsOfSharedState,
  LIVE_SHARE_NAME,
  sharedStateOf,
  TabShare,
  tabChannelName,
  type ChannelPort,
  type LockPort,
  type Relay,
  type SharedState,
  type TabShareHost,
} from './tab-share';
import { pipeEntry } from '@/test/support/entries';

// A browser in miniature: one lock manager and one channel bus for all tabs, a server the leading
// tab connects to, and tabs that can hang (run no code, their messages wait) or close (the
// browser drops their lock, lock requests, channels, timers and connection).

/** Where a tab's code runs: nowhere once closed; later, in order, while hung. */
class TabLoop {
  /** Tasks run since the last settle(): tabs that never stop messaging each other fail the test, not hang it. */
  static tasks = 0;
  closed = false;
  private backlog: (() => void)[] | undefined;

  constructor(readonly id: string) {}

  run(task: () => void): void {
    if (this.closed) return;
    if (++TabLoop.tasks > 10_000) throw new Error('the tabs never settle');
    if (this.backlog) this.backlog.push(task);
    else
      queueMicrotask(() => {
        if (!this.closed) task();
      });
  }

  hang(): void {
    this.backlog ??= [];
  }

  wake(): void {
    const backlog = this.backlog ?? [];
    this.backlog = undefined;
    for (const task of backlog) this.run(task);
  }
}

const abortError = () => new DOMException('aborted', 'AbortError');

type LockRequest = {
  loop: TabLoop;
  callback: () => Promise<void> | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
};

/** Exclusive Web Locks as navigator.locks grants them: first come first served; `steal` preempts. */
class FakeLockManager {
  private readonly held = new Map<string, LockRequest>();
  private readonly queues = new Map<string, LockRequest[]>();

  forTab(loop: TabLoop): LockPort {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          if (options.signal?.aborted) return reject(abortError());
          const request: LockRequest = { loop, callback, resolve, reject };
          const queue = this.queue(name);
          if (options.steal) {
            // The holder's request rejects; the thief goes ahead of everyone waiting.
            this.held.get(name)?.reject(abortError());
            this.held.delete(name);
            queue.unshift(request);
          } else {
            queue.push(request);
            options.signal?.addEventListener('abort', () => {
              const at = queue.indexOf(request);
              if (at < 0) return; // granted already: aborting changes nothing
              queue.splice(at, 1);
              reject(abortError());
            });
          }
          this.grant(name);
        }),
    };
  }

  holder(name: string): string | undefined {
    return this.held.get(name)?.loop.id;
  }

  closeTab(loop: TabLoop): void {
    for (const [name, queue] of this.queues) {
      this.queues.set(
        name,
        queue.filter((request) => request.loop !== loop),
      );
      if (this.held.get(name)?.loop === loop) {
        this.held.delete(name);
        this.grant(name);
      }
    }
  }

  private queue(name: string): LockRequest[] {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = []));
    return queue;
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const request = this.queue(name).shift();
    if (!request) return;
    this.held.set(name, request);
    request.loop.run(() => {
      const done = (settle: () => void) => {
        if (this.held.get(name) !== request) return; // stolen: its request was rejected then
        this.held.delete(name);
        settle();
        this.grant(name);
      };
      Promise.resolve(request.callback()).then(
        (value) => done(() => request.resolve(value)),
        (error: unknown) => done(() => request.reject(error)),
      );
    });
  }
}

type Delivery = { tab: string; channel: string; message: unknown };
type FakeChannel = { loop: TabLoop; name: string; closed: boolean; onMessage: ((message: unknown) => void) | undefined };

/** BroadcastChannels of all tabs: a message reaches every other open channel of its name, never the one that posted it. */
class FakeChannelBus {
  readonly delivered: Delivery[] = [];
  private readonly channels = new Set<FakeChannel>();

  forTab(loop: TabLoop) {
    return <T>(name: string, onMessage?: (message: T) => void): ChannelPort<T> => {
      const self: FakeChannel = { loop, name, closed: false, onMessage: onMessage as ((message: unknown) => void) | undefined };
      this.channels.add(self);
      return {
        post: (message) => {
          if (self.closed) throw new DOMException('closed', 'InvalidStateError');
          for (const to of this.channels) {
            if (to === self || to.name !== name) continue;
            const copy = structuredClone(message);
            to.loop.run(() => {
              if (to.closed) return;
              this.delivered.push({ tab: to.loop.id, channel: name, message: copy });
              to.onMessage?.(copy);
            });
          }
        },
        close: () => {
          self.closed = true;
          this.channels.delete(self);
        },
      };
    };
  }

  closeTab(loop: TabLoop): void {
    for (const channel of this.channels) {
      if (channel.loop !== loop) continue;
      channel.closed = true;
      this.channels.delete(channel);
    }
  }

  /** Messages of one type that reached a tab. */
  deliveredTo(tab: string, type: string): Delivery[] {
    return this.delivered.filter((d) => d.tab === tab && (d.message as { type: string }).type === type);
  }
}

const entry = (key: string, revision: number): Entry => pipeEntry(key, revision);

/**
 * GET /api/events: the presence (once announced) on every connection, then a snapshot for a new
 * client, exactly the changes after its id for a resuming one.
 */
class FakeServer {
  revision = 0;
  snapshotsSent = 0;
  readonly open = new Set<(event: LiveEvent) => void>();
  private readonly changes: LiveEvent[] = [];
  private presence: PresenceData | undefined;

  announce(presence: PresenceData): void {
    this.presence = presence;
    for (const send of this.open) send({ event: 'presence', data: presence });
  }

  put(key: string): void {
    const revision = ++this.revision;
    const event: LiveEvent = { event: 'put', id: revision, data: entry(key, revision) };
    this.changes.push(event);
    for (const send of this.open) send(event);
  }

  connect(loop: TabLoop, resumeFrom: number | undefined, onEvent: (event: LiveEvent) => void): { close(): void } {
    const send = (event: LiveEvent) =>
      loop.run(() => {
        if (this.open.has(send)) onEvent(event);
      });
    this.open.add(send);
    if (this.presence) send({ event: 'presence', data: this.presence });
    if (resumeFrom === undefined) {
      this.snapshotsSent++;
      const pipes = this.changes.flatMap((e) => (e.event === 'put' ? [e.data] : []));
      send({ event: 'snapshot', id: this.revision, data: { revision: this.revision, pipes } });
    } else {
      for (const event of this.changes) if ('id' in event && event.id > resumeFrom) send(event);
    }
    return { close: () => this.open.delete(send) };
  }
}

/** A tab's live state, kept as LiveStore keeps it (minus the frame batching). */
class Tab implements TabShareHost {
  state: LiveState = initialLiveState;
  leads = 0;
  follows = 0;
  readonly loop: TabLoop;
  readonly share: TabShare;
  private connection: { close(): void } | undefined;
  private readonly visibilityListeners = new Set<() => void>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    id: string,
    private readonly browser: Browser,
  ) {
    this.loop = new TabLoop(id);
    this.share = new TabShare(this, {
      tabId: id,
      locks: browser.locks.forTab(this.loop),
      openChannel: browser.bus.forTab(this.loop),
      after: (ms, callback) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.loop.run(callback);
        }, ms);
        this.timers.add(timer);
        return () => clearTimeout(timer);
      },
      onVisible: (listener) => {
        this.visibilityListeners.add(listener);
        return () => this.visibilityListeners.delete(listener);
      },
    });
  }

  has(key: string): boolean {
    return this.state.pipes.has(key);
  }

  /** The tab comes to the front. */
  show(): void {
    for (const listener of this.visibilityListeners) this.loop.run(listener);
  }

  /** The browser closes the tab: no stop(), its code just ends. */
  close(): void {
    this.loop.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.connection?.close();
    this.browser.locks.closeTab(this.loop);
    this.browser.bus.closeTab(this.loop);
  }

  lead(): void {
    this.leads++;
    this.connection?.close();
    this.connection = this.browser.server.connect(this.loop, this.state.synced ? this.state.revision : undefined, (event) => {
      this.share.publish({ type: 'event', event });
      this.apply(event);
    });
  }

  follow(): void {
    this.follows++;
    this.connection?.close();
    this.connection = undefined;
  }

  receive(message: Relay | SharedState): void {
    if (message.type === 'event') this.apply(message.event);
    else if (message.type === 'connection') this.state = liveReducer(this.state, { type: 'connection', state: message.state });
    else {
      for (const event of eventsOfSharedState(message, this.state.synced)) this.apply(event);
      this.state = liveReducer(this.state, { type: 'connection', state: message.connection });
    }
  }

  wantsSnapshot(): boolean {
    return !this.state.synced;
  }

  stateFor(withSnapshot: boolean): SharedState {
    return sharedStateOf(this.state, withSnapshot);
  }

  private apply(event: LiveEvent): void {
    this.state = liveReducer(this.state, { type: 'events', events: [event], at: 0 });
  }
}

class Browser {
  readonly locks = new FakeLockManager();
  readonly bus = new FakeChannelBus();
  readonly server = new FakeServer();

  async open(id: string): Promise<Tab> {
    const tab = new Tab(id, this);
    await settle();
    return tab;
  }
}

/** Runs every message, lock grant and event already on its way (timers stay where they are). */
const settle = () => {
  TabLoop.tasks = 0;
  return vi.advanceTimersByTimeAsync(0);
};

beforeEach(() => {
  vi.useFakeTimers();
  TabLoop.tasks = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the fakes', () => {
  it('a channel message reaches every other tab, never the channel that posted it', async () => {
    const bus = new FakeChannelBus();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new TabLoop(id)) as [TabLoop, TabLoop, TabLoop];
    const got: string[] = [];
    const fromA = bus.forTab(a)<string>('x', (m) => got.push(`a:${m}`));
    bus.forTab(b)<string>('x', (m) => got.push(`b:${m}`));
    bus.forTab(c)<string>('y', (m) => got.push(`c:${m}`));
    fromA.post('hi');
    expect(got).toEqual([]); // delivered later, like a real BroadcastChannel
    await settle();
    expect(got).toEqual(['b:hi']);
  });

  it('lock requests are granted in order, and a steal takes the lock at once and rejects the holder', async () => {
    const locks = new FakeLockManager();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new TabLoop(id)) as [TabLoop, TabLoop, TabLoop];
    const hold = () => new Promise<void>(() => undefined);
    const aRequest = locks.forTab(a).request('l', {}, hold);
    void locks.forTab(b).request('l', {}, hold);
    await settle();
    expect(locks.holder('l')).toBe('a');
    void locks.forTab(c).request('l', { steal: true }, hold);
    await expect(aRequest).rejects.toThrow('aborted');
    expect(locks.holder('l')).toBe('c');
    locks.closeTab(c);
    await settle();
    expect(locks.holder('l')).toBe('b');
  });
});

describe('TabShare', () => {
  it('the first tab leads and opens the one connection; a second tab follows it', async () => {
    const browser = new Browser();
    const a = await browser.open('A');
    const b = await browser.open('B');
    expect([a.leads, b.leads]).toEqual([1, 0]);
    expect(browser.locks.holder(LIVE_SHARE_NAME)).toBe('A');

    browser.server.put('k1');
    await settle();
    expect(browser.server.open.size).toBe(1);
    expect(a.has('k1') && b.has('k1')).toBe(true);
  });

  it('when the leader closes, a change made during the hand-over reaches every tab: the new leader resumes from its own revision', async () => {
    const browser = new Browser();
    const a = await browser.open('A');
    const b = await browser.open('B');
    const c = await browser.open('C');
    browser.server.put('before');
    await settle();

    a.close();
    browser.server.put('during'); // no tab is connected now
    expect(browser.server.open.size).toBe(0);
    await settle();

    expect([b.leads, c.leads]).toEqual([1, 0]);
    expect(browser.server.snapshotsSent).toBe(1); // B resumed; only A ever asked for a snapshot
    expect(b.has('during') && c.has('during')).toBe(true);
    browser.server.put('after');
    await settle();
    expect(b.has('after') && c.has('after')).toBe(true);
    expect(browser.server.open.size).toBe(1);
  });

  it('a follower whose greeting goes unanswered for 3 s steals the lock from the hung leader', async () => {
    const browser = new Browser();
    const a = await browser.open('A');
    const b = await browser.open('B');
    a.loop.hang();
    browser.server.put('while-hung');

    b.show();
    await vi.advanceTimersByTimeAsync(2_999);
    expect(b.leads).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.leads).toBe(1);
    expect(browser.locks.holder(LIVE_SHARE_NAME)).toBe('B');
    expect(b.has('while-hung')).toBe(true);
  });

  it('a follower whose greeting is answered keeps following', async () => {
    const browser = new Browser();
    const a = await browser.open('A');
    const b = await browser.open('B');
    b.show();
    await vi.advanceTimersByTimeAsync(10_000);
    expect([a.leads, b.leads]).toEqual([1, 0]);
    expect(browser.locks.holder(LIVE_SHARE_NAME)).toBe('A');
  });

  it('a leader whose lock was stolen closes its connection when it wakes, and queues for the lock again', async () => {
    const browser = new Browser();
    const a = await browser.open('A');
    const b = await browser.open('B');
    a.loop.hang();
    b.show();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(browser.server.open.size).toBe(2); // the hung leader's connection is still open

    a.loop.wake();
    await settle();
    expect(a.follows).toBe(1);
    expect(browser.server.open.size).toBe(1);
    browser.server.put('from-b');
    await settle();
    expect(a.has('from-b')).toBe(true); // follows B now

    b.close();
    await settle();
    expect(a.leads).toBe(2);
  });

  it("a joining tab gets the leader's state and opens no connection of its own", async () => {
    const browser = new Browser();
    await browser.open('A');
    browser.server.put('k1');
    browser.server.put('k2');
    await settle();

    const c = await browser.open('C');
    expect(c.state.synced).toBe(true);
    expect(c.state.revision).toBe(2);
    expect([...c.state.pipes.keys()]).toEqual(['k1', 'k2']);
    expect(c.state.connection).toBe('live');
    expect(browser.server.open.size).toBe(1);
    expect(browser.server.snapshotsSent).toBe(1);
  });

  it("the leader's state goes to the joining tab only, not to every tab", async () => {
    const browser = new Browser();
    await browser.open('A');
    browser.server.put('k1');
    await settle();
    await browser.open('B');
    const before = browser.bus.delivered.length;

    await browser.open('C');
    const replies = browser.bus.delivered.slice(before).filter((d) => (d.message as { type: string }).type === 'state');
    expect(replies.map((d) => [d.tab, d.channel])).toEqual([['C', tabChannelName('C')]]);
    expect(browser.bus.deliveredTo('B', 'hello')).toHaveLength(1); // B hears C's greeting, not the answer
  });

  const ana = (editing: boolean): PresenceData => ({
    presence: [{ key: 'k1', user: 'ana', role: 'admin', editing, since: '2026-12-01T10:00:00.000Z' }],
    interval_ms: 500,
  });
  const anaIn = (tab: Tab) => tab.state.presence.get('k1')?.map((p) => [p.user, p.editing]);

  it('the leader relays presence events to the other tabs like every other event', async () => {
    const browser = new Browser();
    const a = await browser.open('A');
    const b = await browser.open('B');
    browser.server.announce(ana(false));
    await settle();
    browser.server.announce(ana(true));
    await settle();
    expect(anaIn(a)).toEqual([['ana', true]]);
    expect(anaIn(b)).toEqual([['ana', true]]);
    expect(b.state.intervalMs).toBe(500);
    expect(browser.server.open.size).toBe(1);
  });

  it("a joining tab has the leader's presence at once, before presence changes again", async () => {
    const browser = new Browser();
    await browser.open('A');
    browser.server.announce(ana(true));
    await settle();

    const c = await browser.open('C');
    expect(anaIn(c)).toEqual([['ana', true]]);
    expect(c.state.intervalMs).toBe(500);
  });
});

describe('sharedStateOf', () => {
  it('hands no presence while the leader has heard none, so a joining tab keeps its own', () => {
    expect(sharedStateOf(initialLiveState, true).presence).toBeUndefined();
    const events = eventsOfSharedState(sharedStateOf(initialLiveState, true), false);
    expect(events.map((e) => e.event)).not.toContain('presence');
  });

  it("hands every key's presence back in one list, with the interval", () => {
    const entries: PresenceData['presence'] = [
      { key: 'a', user: 'ana', role: 'admin', editing: true, since: 't1' },
      { key: 'a', user: 'bob', role: 'viewer', editing: false, since: 't2' },
      { key: 'b', user: 'bob', role: 'viewer', editing: false, since: 't3' },
    ];
    const state = liveReducer(initialLiveState, {
      type: 'events',
      events: [{ event: 'presence', data: { presence: entries, interval_ms: 300 } }],
      at: 0,
    });
    expect(sharedStateOf(state, false).presence).toEqual({ presence: entries, interval_ms: 300 });
  });
});
