import { describe, expect, test } from 'vitest';
import type { ReceivedChange } from '@/lib/live/reducer';
import type { Change } from '@/lib/pipes/entry';
import { allOperations, arrivedSince, filterFeed, isFiltering, newChangesLabel, toggleOperation } from './feed-filter';

function received(key: string, revision: number, operation: Change['operation'] = 'PUT'): ReceivedChange {
  const updated = '2026-01-01T00:00:00Z';
  const change: Change =
    operation === 'PUT'
      ? { key, revision, updated, operation, value: { name: key, sql: 'SELECT 1' } }
      : { key, revision, updated, operation };
  return { change, previous: undefined, receivedAt: revision };
}

const feed = [received('orders_daily', 4, 'PURGE'), received('Orders_hourly', 3, 'DEL'), received('users', 2), received('orders_daily', 1)];

describe('filterFeed', () => {
  test('no filter: the same array', () => {
    const filter = { key: ' ', operations: allOperations };
    expect(isFiltering(filter)).toBe(false);
    expect(filterFeed(feed, filter)).toBe(feed);
  });

  test('by key, case-insensitive substring', () => {
    expect(filterFeed(feed, { key: 'ORDERS', operations: allOperations }).map((i) => i.change.revision)).toEqual([4, 3, 1]);
  });

  test('by operation, combined with the key', () => {
    const deletes = toggleOperation(allOperations, 'PUT');
    expect([...deletes].sort()).toEqual(['DEL', 'PURGE']);
    expect(filterFeed(feed, { key: '', operations: deletes }).map((i) => i.change.revision)).toEqual([4, 3]);
    expect(filterFeed(feed, { key: 'daily', operations: deletes }).map((i) => i.change.revision)).toEqual([4]);
    expect(toggleOperation(deletes, 'PUT')).toEqual(allOperations);
  });
});

describe('arrivedSince', () => {
  test('the changes in front of the one that was newest when paused', () => {
    const head = feed[2];
    expect(arrivedSince(feed, head)).toEqual({ items: feed.slice(0, 2), overflow: false });
    expect(arrivedSince(feed, feed[0]).items).toEqual([]);
  });

  test('paused on an empty feed: everything is new', () => {
    expect(arrivedSince(feed, undefined)).toEqual({ items: feed, overflow: false });
  });

  test('a head pushed out of the bounded list: at least all of them', () => {
    expect(arrivedSince(feed, received('gone', 0))).toEqual({ items: feed, overflow: true });
  });
});

test('newChangesLabel', () => {
  expect(newChangesLabel(1, false)).toBe('1 new change');
  expect(newChangesLabel(12, false)).toBe('12 new changes');
  expect(newChangesLabel(500, true)).toBe('500+ new changes');
});
