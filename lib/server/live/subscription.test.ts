import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '@/lib/live/protocol';
import type { Frame } from '@/lib/server/hub/change-ring';
import type { ClientListener, HubStatus } from '@/lib/server/hub';
import { PingRound } from './ping-round';
import { openSubscription, type EventSink, type SubscriptionHub, type SubscriptionOptions } from './subscription';

const frame = (text: string) => Buffer.from(text);

/** A hub whose revision, ring and events the test sets; frames are readable labels. */
function fakeHub({ ready = true, revision = 10, ring = [] as Frame[] } = {}) {
  const listeners = new Set<ClientListener>();
  const state = { ready, revision };
  const hub: SubscriptionHub = {
    subscribe: ((listener: ClientListener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }) as SubscriptionHub['subscribe'],
    status: () => ({ ready: state.ready, revision: state.revision }) as HubStatus,
    snapshot: () => ({ revision: state.revision }) as Snapshot,
    snapshotFrame: () => frame(`snapshot@${state.revision}`),
    statusFrame: () => frame('status'),
    changesSince: (revision) => (revision >= (ring[0]?.revision ?? Infinity) - 1 ? ring.filter((f) => f.revision > revision) : undefined),
  };
  /** One batch of changes, as the hub delivers what one turn of the event loop applied. */
  const emitChanges = (...revisions: number[]) => {
    state.revision = revisions.at(-1)!;
    const frames = revisions.map((revision) => ({ revision, bytes: frame(`change@${revision}`) }));
    const bytes = Buffer.from(frames.map((f) => f.bytes.toString()).join('+'));
    listeners.forEach((l) => l({ type: 'changes', frames, bytes, last: state.revision }));
  };
  const emitChange = (revision: number) => emitChanges(revision);
  const emitSnapshot = (revision: number) => {
    state.revision = revision;
    state.ready = true;
    listeners.forEach((l) => l({ type: 'snapshot', snapshot: { revision } as Snapshot, reason: 'recreated' }));
  };
  return { hub, listeners, emitChange, emitChanges, emitSnapshot };
}

/** A sink that holds up to `room` frames until the test drains it. */
function fakeSink(room = Infinity) {
  const written: string[] = [];
  let queued = 0;
  const sink: EventSink & { drain(): void } = {
    write: (bytes) => {
      written.push(bytes.toString());
      queued++;
    },
    hasRoom: () => queued < room,
    end: () => void written.push('end'),
    drain: () => {
      queued = 0;
    },
  };
  return { sink, written };
}

// A round of its own for each test, its timer on that test's fake clock.
let OPTIONS: SubscriptionOptions;

describe('openSubscription', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    OPTIONS = { pings: new PingRound(1_000) };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts with retry, status and a snapshot, then writes each change once, in order', () => {
    const { hub, emitChange } = fakeHub();
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, OPTIONS);
    emitChange(11);
    emitChange(12);
    expect(written).toEqual(['retry: 1000\n\n', 'status', 'snapshot@10', 'change@11', 'change@12']);
  });

  it('resumes from the ring without a snapshot, and skips changes it already sent', () => {
    const ring = [11, 12, 13].map((revision) => ({ revision, bytes: frame(`change@${revision}`) }));
    const { hub, emitChange } = fakeHub({ revision: 13, ring });
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, { ...OPTIONS, lastEventId: 11 });
    emitChange(13); // already sent from the ring
    emitChange(14);
    expect(written.slice(2)).toEqual(['change@12', 'change@13', 'change@14']);
  });

  it('writes a batch of changes as one write', () => {
    const { hub, emitChanges } = fakeHub();
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, OPTIONS);
    emitChanges(11, 12, 13);
    expect(written.slice(3)).toEqual(['change@11+change@12+change@13']);
  });

  it('writes only the changes of a batch its snapshot did not hold', () => {
    const { hub, emitChanges } = fakeHub({ revision: 12 });
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, OPTIONS); // snapshot@12, opened while 11 and 12 were still to be delivered
    emitChanges(11, 12, 13);
    expect(written.slice(2)).toEqual(['snapshot@12', 'change@13']);
  });

  it('sends a snapshot when the ring does not cover the id', () => {
    const ring = [{ revision: 50, bytes: frame('change@50') }];
    const { hub } = fakeHub({ revision: 50, ring });
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, { ...OPTIONS, lastEventId: 3 });
    expect(written.slice(2)).toEqual(['snapshot@50']);
  });

  it('waits for the first snapshot when the hub is not ready', () => {
    const { hub, emitSnapshot } = fakeHub({ ready: false, revision: 0 });
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, OPTIONS);
    expect(written).toEqual(['retry: 1000\n\n', 'status']);
    emitSnapshot(7);
    expect(written.at(-1)).toBe('snapshot@7');
  });

  it('a client whose queue is full is marked behind and gets nothing more', () => {
    const { hub, emitChange } = fakeHub();
    const { sink, written } = fakeSink(4); // retry, status, snapshot, one change
    openSubscription(hub, sink, OPTIONS);
    for (let r = 11; r <= 20; r++) emitChange(r);
    expect(written).toEqual(['retry: 1000\n\n', 'status', 'snapshot@10', 'change@11']);
  });

  it('a client that fell behind gets the status and one fresh snapshot once it has drained', () => {
    const { hub, emitChange } = fakeHub();
    const { sink, written } = fakeSink(4);
    const subscription = openSubscription(hub, sink, OPTIONS);
    for (let r = 11; r <= 20; r++) emitChange(r);
    subscription.drained(); // still full: too early
    expect(written).toHaveLength(4);
    sink.drain();
    subscription.drained();
    expect(written.slice(4)).toEqual(['status', 'snapshot@20']);
  });

  it('counts the events and bytes it sent, each time it fell behind, and each catch-up snapshot', () => {
    const { hub, emitChanges } = fakeHub();
    const { sink } = fakeSink(4);
    const stats = { events: 0, bytes: 0, behind: 0, resyncs: 0 };
    const subscription = openSubscription(hub, sink, { ...OPTIONS, stats });
    // status + snapshot, then a batch of two changes in one write: 4 events.
    emitChanges(11, 12);
    expect(stats).toEqual({
      events: 4,
      bytes: 'status'.length + 'snapshot@10'.length + 'change@11+change@12'.length,
      behind: 0,
      resyncs: 0,
    });
    emitChanges(13); // full: behind
    sink.drain();
    subscription.drained(); // status + snapshot@13
    expect({ events: stats.events, behind: stats.behind, resyncs: stats.resyncs }).toEqual({ events: 6, behind: 1, resyncs: 1 });
  });

  it('after its catch-up snapshot, a client gets every change again, and no second snapshot', () => {
    const { hub, emitChange } = fakeHub();
    const { sink, written } = fakeSink(4);
    const subscription = openSubscription(hub, sink, OPTIONS);
    for (let r = 11; r <= 20; r++) emitChange(r);
    sink.drain();
    subscription.drained();
    sink.drain();
    subscription.drained(); // not behind any more: nothing
    emitChange(21);
    expect(written.slice(6)).toEqual(['change@21']);
  });

  it('pings while idle, only when there is room', () => {
    const { hub } = fakeHub();
    const { sink, written } = fakeSink(4);
    openSubscription(hub, sink, OPTIONS);
    vi.advanceTimersByTime(1_000);
    expect(written.at(-1)).toBe(': ping\n\n');
    vi.advanceTimersByTime(5_000);
    expect(written.filter((w) => w.startsWith(': ping'))).toHaveLength(1);
  });

  it('close() unsubscribes and stops the pings at once', () => {
    const { hub, listeners, emitChange } = fakeHub();
    const { sink, written } = fakeSink();
    const subscription = openSubscription(hub, sink, OPTIONS);
    expect(listeners.size).toBe(1);
    subscription.close();
    expect(listeners.size).toBe(0);
    emitChange(11);
    vi.advanceTimersByTime(10_000);
    expect(written).toEqual(['retry: 1000\n\n', 'status', 'snapshot@10']);
  });

  it('ends the stream when the hub ends every stream, and listens no more', () => {
    const { hub, listeners } = fakeHub();
    const { sink, written } = fakeSink();
    openSubscription(hub, sink, OPTIONS);
    [...listeners].forEach((l) => l({ type: 'end' }));
    expect(written.at(-1)).toBe('end');
    expect(listeners.size).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(written.at(-1)).toBe('end');
  });

  it('sends the presence frame after the status, then every new one, and stops when closed', () => {
    const { hub } = fakeHub();
    const { sink, written } = fakeSink();
    let current = frame('presence#1');
    const listeners = new Set<(f: Buffer) => void>();
    const presence = {
      frame: () => current,
      subscribe: (l: (f: Buffer) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const subscription = openSubscription(hub, sink, { ...OPTIONS, presence });
    expect(written.slice(1, 3)).toEqual(['status', 'presence#1']);
    current = frame('presence#2');
    listeners.forEach((l) => l(current));
    expect(written.at(-1)).toBe('presence#2');
    subscription.close();
    expect(listeners.size).toBe(0);
  });

  it('sends the current presence once the client drains after a presence frame found no room', () => {
    const { hub } = fakeHub();
    const { sink, written } = fakeSink(4);
    let current = frame('presence#1');
    const listeners = new Set<(f: Buffer) => void>();
    const presence = { frame: () => current, subscribe: (l: (f: Buffer) => void) => (listeners.add(l), () => listeners.delete(l)) };
    const subscription = openSubscription(hub, sink, { ...OPTIONS, presence }); // retry, status, presence, snapshot: full
    current = frame('presence#2');
    listeners.forEach((l) => l(current));
    expect(written).not.toContain('presence#2');
    sink.drain();
    subscription.drained();
    expect(written.slice(-2)).toEqual(['status', 'presence#2']);
    subscription.close();
  });
});
