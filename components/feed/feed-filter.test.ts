import { describe, expect, test } from 'vitest';
import type { Change } from '@/lib/pipes/entry';
import {
  actorOf,
  allOperations,
  filterFeed,
  isFiltering,
  newChangesLabel,
  noFilter,
  pausedView,
  toggleOperation,
  type FeedFilter,
} from './feed-filter';

function row(key: string, revision: number, operation: Change['operation'] = 'PUT', actor?: string): { change: Change } {
  const updated = '2026-01-01T00:00:00Z';
  const change: Change =
    operation === 'PUT'
      ? { key, revision, updated, operation, value: { name: key, sql: 'SELECT 1' }, ...(actor ? { actor } : {}) }
      : { key, revision, updated, operation, ...(actor ? { actor } : {}) };
  return { change };
}

const feed = [
  row('orders_daily', 5, 'PUT', 'external'),
  row('orders_daily', 4, 'PURGE', 'alice@example.com'),
  row('Orders_hourly', 3, 'DEL'),
  row('users', 2, 'PUT', 'admin token'),
  row('orders_daily', 1),
];
const revisions = (items: readonly { change: Change }[]) => items.map((i) => i.change.revision);
const only = (f: Partial<FeedFilter>): FeedFilter => ({ ...noFilter, ...f });

describe('filterFeed', () => {
  test('no filter: the same array', () => {
    const filter = only({ key: ' ', actor: '  ' });
    expect(isFiltering(filter)).toBe(false);
    expect(filterFeed(feed, filter)).toBe(feed);
  });

  test('by key, case-insensitive substring', () => {
    expect(revisions(filterFeed(feed, only({ key: 'ORDERS' })))).toEqual([5, 4, 3, 1]);
  });

  test('by actor, case-insensitive substring of the user', () => {
    expect(isFiltering(only({ actor: 'x' }))).toBe(true);
    expect(revisions(filterFeed(feed, only({ actor: 'ALICE' })))).toEqual([4]);
    expect(revisions(filterFeed(feed, only({ actor: 'token' })))).toEqual([2]);
  });

  test('by actor "external": the archive\'s label and the live channel\'s missing actor alike', () => {
    expect(revisions(filterFeed(feed, only({ actor: 'extern' })))).toEqual([5, 3, 1]);
  });

  test('by operation, combined with the key and the actor', () => {
    const deletes = toggleOperation(allOperations, 'PUT');
    expect([...deletes].sort()).toEqual(['DEL', 'PURGE']);
    expect(revisions(filterFeed(feed, only({ operations: deletes })))).toEqual([4, 3]);
    expect(revisions(filterFeed(feed, only({ key: 'daily', operations: deletes })))).toEqual([4]);
    expect(revisions(filterFeed(feed, only({ actor: 'external', operations: deletes })))).toEqual([3]);
    expect(toggleOperation(deletes, 'PUT')).toEqual(allOperations);
  });
});

test('actorOf: the user, or undefined for an external writer however it is told', () => {
  expect(actorOf(feed[3]!.change)).toBe('admin token');
  expect(actorOf(feed[0]!.change)).toBeUndefined();
  expect(actorOf(feed[2]!.change)).toBeUndefined();
});

describe('pausedView', () => {
  test('not paused: everything shown', () => {
    expect(pausedView(feed, null)).toEqual({ shown: feed, pending: [] });
  });

  test('paused: what is newer than the revision it paused at waits', () => {
    const { shown, pending } = pausedView(feed, 3);
    expect(revisions(shown)).toEqual([3, 2, 1]);
    expect(revisions(pending)).toEqual([5, 4]);
    expect(pausedView(feed, 5).shown).toBe(feed);
  });

  test('paused on an empty feed: everything is new', () => {
    expect(pausedView(feed, 0)).toEqual({ shown: [], pending: feed });
  });
});

test('newChangesLabel', () => {
  expect(newChangesLabel(0)).toBe('0 new changes');
  expect(newChangesLabel(1)).toBe('1 new change');
  expect(newChangesLabel(12)).toBe('12 new changes');
});
