import { describe, expect, it } from 'vitest';
import type { Entry } from '@/lib/pipes/entry';
import type { LiveEvent } from './protocol';
import { initialLiveState, liveReducer, RECENT_LIMIT, type LiveState } from './reducer';

const entry = (key: string, revision: number, sql = 'SELECT 1'): Entry => ({
  key,
  revision,
  updated: '2026-01-01T00:00:00.000Z',
  operation: 'PUT',
  value: { name: key, sql },
});
const apply = (state: LiveState, ...events: LiveEvent[]) => events.reduce((s, event) => liveReducer(s, { type: 'event', event, at: 1000 }), state);
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

  it('tracks the connection and the server link', () => {
    let s = liveReducer(initialLiveState, { type: 'connection', state: 'reconnecting' });
    expect(s.connection).toBe('reconnecting');
    s = apply(s, { event: 'status', data: { nats: 'reconnecting', ready: true, revision: 0 } });
    expect(s.nats).toBe('reconnecting');
    expect(liveReducer(s, { type: 'connection', state: 'reconnecting' })).toBe(s);
  });
});
