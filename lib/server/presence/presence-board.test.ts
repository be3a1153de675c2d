import { describe, expect, it } from 'vitest';
import { PresenceBoard, type TabReport } from './presence-board';

const limits = { maxTabsPerUser: 3, maxTabs: 5, idleMs: 1_000 };
const report = (over: Partial<TabReport> = {}): TabReport => ({
  instance: 'a',
  tab: 't1',
  user: 'ana',
  role: 'admin',
  key: 'daily',
  editing: false,
  ttlMs: 3_000,
  ...over,
});

describe('PresenceBoard', () => {
  it('shows a user with a pipe open in three tabs once, editing when any tab is, since the earliest', () => {
    const board = new PresenceBoard(limits);
    board.report(report({ tab: 't1' }), 1_000);
    board.report(report({ tab: 't2', editing: true }), 2_000);
    board.report(report({ tab: 't3' }), 3_000);
    expect(board.entries()).toEqual([{ key: 'daily', user: 'ana', role: 'admin', editing: true, since: new Date(1_000).toISOString() }]);
  });

  it('lists entries sorted by key, then user', () => {
    const board = new PresenceBoard(limits);
    board.report(report({ tab: '1', user: 'bob', key: 'b' }), 0);
    board.report(report({ tab: '2', user: 'ana', key: 'b' }), 0);
    board.report(report({ tab: '3', user: 'cy', key: 'a' }), 0);
    expect(board.entries().map((e) => `${e.key}:${e.user}`)).toEqual(['a:cy', 'b:ana', 'b:bob']);
  });

  it('says a heartbeat that changes nothing is the same, and a change of key or editing is a change', () => {
    const board = new PresenceBoard(limits);
    expect(board.report(report(), 0)).toBe('changed');
    expect(board.report(report(), 1_000)).toBe('same');
    expect(board.report(report({ editing: true }), 2_000)).toBe('changed');
    expect(board.report(report({ editing: true, key: 'other' }), 3_000)).toBe('changed');
    expect(board.entries()[0]).toMatchObject({ key: 'other', since: new Date(3_000).toISOString() });
  });

  it('drops a tab at its goodbye (key null)', () => {
    const board = new PresenceBoard(limits);
    board.report(report(), 0);
    expect(board.report(report({ key: null }), 1)).toBe('changed');
    expect(board.entries()).toEqual([]);
  });

  it('expires a tab silent for longer than the TTL, and keeps one that heartbeats', () => {
    const board = new PresenceBoard(limits);
    board.report(report({ tab: 'quiet' }), 0);
    board.report(report({ tab: 'alive', user: 'bob' }), 0);
    board.report(report({ tab: 'alive', user: 'bob' }), 2_500);
    expect(board.expire(3_001)).toBe(true);
    expect(board.entries().map((e) => e.user)).toEqual(['bob']);
  });

  it("makes room past a user's tab cap with a tab of that user that has gone quiet for an interval", () => {
    const board = new PresenceBoard(limits);
    board.report(report({ tab: '1', key: 'k1' }), 0);
    board.report(report({ tab: '2', key: 'k2' }), 0);
    board.report(report({ tab: '3', key: 'k3' }), 0);
    board.report(report({ tab: '1', key: 'k1' }), 1_500); // 2 and 3 have been quiet since 0
    board.report(report({ tab: '3', key: 'k3' }), 1_500);
    expect(board.report(report({ tab: '4', key: 'k4' }), 1_600)).toBe('changed');
    expect(board.entries().map((e) => e.key)).toEqual(['k1', 'k3', 'k4']);
  });

  it("refuses a new tab past a user's cap when all of that user's tabs are live, and leaves them be", () => {
    const board = new PresenceBoard(limits);
    for (const tab of ['1', '2', '3']) board.report(report({ tab, key: `k${tab}` }), 0);
    expect(board.report(report({ tab: '4', key: 'k4' }), 500)).toBe('full');
    expect(board.entries().map((e) => e.key)).toEqual(['k1', 'k2', 'k3']);
  });

  it("keeps one user's tab apart from another user's tab of the same id: a goodbye drops only the poster's", () => {
    const board = new PresenceBoard(limits);
    board.report(report({ tab: 'same', user: 'ana' }), 0);
    board.report(report({ tab: 'same', user: 'bob' }), 0);
    board.report(report({ tab: 'same', user: 'bob', key: null }), 1);
    expect(board.entries().map((e) => e.user)).toEqual(['ana']);
  });

  it('is one tab when it posts to two instances, and expires by the TTL of the instance it last posted to', () => {
    const board = new PresenceBoard(limits);
    board.report(report({ instance: 'a', key: 'k1', ttlMs: 60_000 }), 0);
    board.report(report({ instance: 'b', key: 'k2', ttlMs: 3_000 }), 0);
    expect(board.entries().map((e) => e.key)).toEqual(['k2']);
    expect(board.expire(3_001)).toBe(true);
  });

  it('refuses a new tab past the total cap, and takes it once another leaves', () => {
    const board = new PresenceBoard(limits);
    for (let i = 0; i < 5; i++) board.report(report({ tab: `${i}`, user: `u${i}` }), 0);
    expect(board.report(report({ tab: 'new', user: 'late' }), 1)).toBe('full');
    expect(board.size).toBe(5);
    board.report(report({ tab: '0', user: 'u0', key: null }), 2);
    expect(board.report(report({ tab: 'new', user: 'late' }), 3)).toBe('changed');
  });

  it("drops every tab of an instance that says goodbye, and only that instance's", () => {
    const board = new PresenceBoard(limits);
    board.report(report({ instance: 'a', tab: '1' }), 0);
    board.report(report({ instance: 'b', tab: '2', user: 'bob' }), 0);
    expect(board.dropInstance('a')).toBe(true);
    expect(board.entries().map((e) => e.user)).toEqual(['bob']);
  });
});
