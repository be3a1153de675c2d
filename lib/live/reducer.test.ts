import { describe, expect, it } from 'vitest';
import type { Entry } from '@/lib/pipes/entry';
import type { LiveEvent, PresenceEntry } from './protocol';
import { initialLiveState, liveReducer, RECENT_LIMIT, type LiveState } from './reducer';
import { pipeEntry } from '@/test/support/entries';

const entry = pipeEntry;
/** Applies events one batch each, as if every event arrived in a frame of its own. */
const apply = (state: LiveState, ...events: LiveEvent[]) =>
  events.reduce((s, event) => liveReducer(s, { type: 'events', events: [event], at: 1000 }), state);
const applyBatch = (state: LiveState, ...events: LiveEvent[]) => liveReducer(state, { type: 'events', events, at: 1000 });
const snapshot = (revision: number, ...pipes: Entry[]): LiveEvent => ({ event: 'snapshot', id: revision, data: { revision, pipes } });

describe('liveReducer', () => {
  it('replaces the state with a snapshot and goes live', () => {
    const s = apply(initialLiveState, snapshot(5, entry('a', 2), entry('b', 5)));
    expect(s.synced).toBe(true);
    expect(s.connection).toBe('live');
    expect(s.revision).toBe(5);
    expect([...s.pipes.keys()]).toEqual(['a', 'b']);
  });

  it('applies puts and deletes in order and records what they replaced', () => {
    const s = apply(
      initialLiveState,
      snapshot(5, entry('a', 2)),
      { event: 'put', id: 6, data: entry('a', 6, 'SELECT 2') },
      { event: 'delete', id: 7, data: { key: 'a', revision: 7, updated: 'x', operation: 'DEL' } },
    );
    expect(s.revision).toBe(7);
    expect(s.pipes.has('a')).toBe(false);
    expect(s.recent.map((r) => [r.change.revision, r.previous?.revision])).toEqual([
      [7, 6],
      [6, 2],
    ]);
    expect(s.lastChangeAt).toBe(1000);
  });

  it('ignores ids it has already applied', () => {
    const before = apply(initialLiveState, snapshot(5, entry('a', 5)));
    const after = apply(before, { event: 'put', id: 5, data: entry('a', 5, 'SELECT stale') }, { event: 'put', id: 3, data: entry('z', 3) });
    expect(after.pipes).toBe(before.pipes);
    expect(after.recent).toHaveLength(0);
  });

  it('ignores changes until the first snapshot (they are already in it)', () => {
    const s = apply(initialLiveState, { event: 'put', id: 9, data: entry('a', 9) });
    expect(s.pipes.size).toBe(0);
    expect(s.synced).toBe(false);
  });

  it('starts afresh on a later snapshot even when its revision is lower (bucket recreated)', () => {
    const s = apply(initialLiveState, snapshot(50, entry('old', 50)), snapshot(2, entry('new', 2)));
    expect(s.revision).toBe(2);
    expect([...s.pipes.keys()]).toEqual(['new']);
    const next = apply(s, { event: 'put', id: 3, data: entry('new2', 3) });
    expect(next.pipes.has('new2')).toBe(true);
  });

  it('keeps the recent list bounded', () => {
    let s = apply(initialLiveState, snapshot(0));
    for (let r = 1; r <= RECENT_LIMIT + 20; r++) s = apply(s, { event: 'put', id: r, data: entry(`k${r}`, r) });
    expect(s.recent).toHaveLength(RECENT_LIMIT);
    expect(s.recent[0]!.change.revision).toBe(RECENT_LIMIT + 20);
  });

  it('applies a batch exactly as the same events one by one, copying the map once', () => {
    const start = apply(initialLiveState, snapshot(10, entry('a', 1), entry('b', 2), entry('c', 3)));
    const events: LiveEvent[] = [
      { event: 'put', id: 9, data: entry('a', 9, 'SELECT stale') }, // already applied: ignored
      { event: 'put', id: 11, data: entry('a', 11, 'SELECT 11') },
      { event: 'status', data: { nats: 'connected', jetstream: 'available', ready: true, revision: 11 } },
      { event: 'delete', id: 12, data: { key: 'b', revision: 12, updated: 'x', operation: 'PURGE' } },
      { event: 'put', id: 13, data: entry('d', 13) },
      { event: 'put', id: 14, data: entry('a', 14, 'SELECT 14') },
    ];
    const oneByOne = apply(start, ...events);
    const batched = applyBatch(start, ...events);
    expect(batched).toEqual(oneByOne);
    expect(start.pipes.get('a')!.revision).toBe(1); // the state it started from is untouched
    expect(batched.recent.map((r) => [r.change.key, r.change.revision, r.previous?.revision])).toEqual([
      ['a', 14, 11],
      ['d', 13, undefined],
      ['b', 12, 2],
      ['a', 11, 1],
    ]);
  });

  it('a batch with a snapshot in the middle starts afresh from it', () => {
    const start = apply(initialLiveState, snapshot(10, entry('a', 1)));
    const s = applyBatch(start, { event: 'put', id: 11, data: entry('b', 11) }, snapshot(3, entry('fresh', 3)), {
      event: 'put',
      id: 4,
      data: entry('c', 4),
    });
    expect(s.revision).toBe(4);
    expect([...s.pipes.keys()].sort()).toEqual(['c', 'fresh']);
    expect(start.pipes.size).toBe(1);
  });

  it('an empty batch, or one of ids already applied, returns the same state', () => {
    const s = apply(initialLiveState, snapshot(5, entry('a', 5)));
    expect(applyBatch(s)).toBe(s);
    expect(applyBatch(s, { event: 'put', id: 4, data: entry('a', 4) })).toBe(s);
  });

  it('keeps only the newest of a batch larger than the recent list', () => {
    const events: LiveEvent[] = Array.from({ length: RECENT_LIMIT + 7 }, (_, i) => ({
      event: 'put',
      id: i + 1,
      data: entry(`k${i + 1}`, i + 1),
    }));
    const s = applyBatch(apply(initialLiveState, snapshot(0)), ...events);
    expect(s.recent).toHaveLength(RECENT_LIMIT);
    expect(s.recent[0]!.change.revision).toBe(RECENT_LIMIT + 7);
    expect(s.recent.at(-1)!.change.revision).toBe(8);
    expect(s.pipes.size).toBe(RECENT_LIMIT + 7);
  });

  it('tracks the connection and the server link', () => {
    let s = liveReducer(initialLiveState, { type: 'connection', state: 'reconnecting' });
    expect(s.connection).toBe('reconnecting');
    s = apply(s, { event: 'status', data: { nats: 'reconnecting', jetstream: 'available', ready: true, revision: 0 } });
    expect(s.nats).toBe('reconnecting');
    expect(liveReducer(s, { type: 'connection', state: 'reconnecting' })).toBe(s);
  });

  it('tracks whether JetStream answers on a connected link', () => {
    const s = apply(initialLiveState, { event: 'status', data: { nats: 'connected', jetstream: 'unavailable', ready: true, revision: 0 } });
    expect([s.nats, s.jetstream]).toEqual(['connected', 'unavailable']);
  });

  describe('presence', () => {
    const here = (key: string, user: string, editing = false): PresenceEntry => ({
      key,
      user,
      role: 'admin',
      editing,
      since: '2026-12-01T10:00:00.000Z',
    });
    const presence = (interval_ms: number, ...entries: PresenceEntry[]): LiveEvent => ({
      event: 'presence',
      data: { presence: entries, interval_ms },
    });

    it('starts with nobody and no announced interval', () => {
      expect(initialLiveState.presence.size).toBe(0);
      expect(initialLiveState.intervalMs).toBeUndefined();
    });

    it('keeps who has each pipe open by key, and the announced interval, before any snapshot', () => {
      const s = apply(initialLiveState, presence(500, here('a', 'ana', true), here('a', 'bob'), here('b', 'bob')));
      expect(s.synced).toBe(false);
      expect(s.intervalMs).toBe(500);
      expect([...s.presence.keys()]).toEqual(['a', 'b']);
      expect(s.presence.get('a')!.map((p) => [p.user, p.editing])).toEqual([
        ['ana', true],
        ['bob', false],
      ]);
    });

    it('replaces the presence with each event: a key nobody has open any more is gone', () => {
      const s = apply(initialLiveState, presence(500, here('a', 'ana'), here('b', 'bob')), presence(300, here('b', 'bob', true)));
      expect([...s.presence.keys()]).toEqual(['b']);
      expect(s.presence.get('b')![0]!.editing).toBe(true);
      expect(s.intervalMs).toBe(300);
    });

    it("keeps a key's list, and the state itself, when an event changes nothing there", () => {
      const first = apply(initialLiveState, presence(500, here('a', 'ana'), here('b', 'bob')));
      const second = apply(first, presence(500, here('a', 'ana'), here('b', 'bob', true)));
      expect(second.presence.get('a')).toBe(first.presence.get('a'));
      expect(second.presence.get('b')).not.toBe(first.presence.get('b'));
      expect(apply(second, presence(500, here('a', 'ana'), here('b', 'bob', true)))).toBe(second);
    });

    it('leaves the pipes, the revision and the recent changes alone', () => {
      const start = apply(initialLiveState, snapshot(5, entry('a', 5)));
      const s = apply(start, presence(500, here('a', 'ana')));
      expect(s.pipes).toBe(start.pipes);
      expect(s.revision).toBe(5);
      expect(s.recent).toBe(start.recent);
    });
  });
});
