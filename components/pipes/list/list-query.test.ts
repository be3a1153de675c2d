import { describe, expect, test } from 'vitest';
import type { Entry } from '@/lib/pipes/entry';
import { countInvalid, filterPipes, isSortKey, sortPipes, warmSearchIndex } from './list-query';

function entry(key: string, revision: number, fields: { description?: string; sql?: string } = {}): Entry {
  return {
    key,
    revision,
    updated: '2026-01-01T00:00:00Z',
    operation: 'PUT',
    value: { name: key, sql: fields.sql ?? 'SELECT 1', ...(fields.description ? { description: fields.description } : {}) },
  };
}

const invalid: Entry = { key: 'broken', revision: 9, updated: '2026-01-01T00:00:00Z', operation: 'PUT', value: null, raw: '{not json FROM logs', invalid: { message: 'invalid JSON' } };
const pipes = [
  entry('daily_active_devices', 3, { description: 'Distinct devices per day', sql: 'SELECT uniq(device) FROM events' }),
  entry('Revenue_by_day', 5, { description: 'Money', sql: 'SELECT sum(amount) FROM orders' }),
  entry('errors', 1, { sql: 'SELECT count() FROM logs WHERE level = {{level}}' }),
  invalid,
];

describe('filterPipes', () => {
  test('a blank query keeps every entry, as the same array', () => {
    expect(filterPipes(pipes, '  ')).toBe(pipes);
  });

  test('matches key, description and SQL, case-insensitively', () => {
    const keys = (q: string) => filterPipes(pipes, q).map((e) => e.key);
    expect(keys('REVENUE')).toEqual(['Revenue_by_day']);
    expect(keys('distinct')).toEqual(['daily_active_devices']);
    expect(keys('from orders')).toEqual(['Revenue_by_day']);
    expect(keys('{{level}}')).toEqual(['errors']);
  });

  test('every word must match, in any order', () => {
    expect(filterPipes(pipes, 'day money').map((e) => e.key)).toEqual(['Revenue_by_day']);
    expect(filterPipes(pipes, 'day nothing')).toEqual([]);
  });

  test('an invalid entry is found by its raw text', () => {
    expect(filterPipes(pipes, 'logs').map((e) => e.key)).toEqual(['errors', 'broken']);
  });
});

describe('sortPipes', () => {
  test('by name: case-insensitive, numbers in numeric order', () => {
    const list = [entry('pipe_10', 1), entry('b', 2), entry('pipe_2', 3), entry('A', 4)];
    expect(sortPipes(list, 'name').map((e) => e.key)).toEqual(['A', 'b', 'pipe_2', 'pipe_10']);
  });

  test('by last updated: highest revision first, without touching the input', () => {
    const sorted = sortPipes(pipes, 'updated');
    expect(sorted.map((e) => e.revision)).toEqual([9, 5, 3, 1]);
    expect(pipes[0]?.key).toBe('daily_active_devices');
  });
});

test('countInvalid counts entries whose value could not be read', () => {
  expect(countInvalid(pipes)).toBe(1);
});

test('isSortKey accepts only the known sorts', () => {
  expect(isSortKey('name')).toBe(true);
  expect(isSortKey('updated')).toBe(true);
  expect(isSortKey('toString')).toBe(false);
  expect(isSortKey(null)).toBe(false);
});

test('warmSearchIndex works a slice at a time while idle until done, and stops when told', () => {
  const queue: ((timeLeft: () => number) => void)[] = [];
  const idle = (work: (timeLeft: () => number) => void) => {
    queue.push(work);
    return () => void queue.splice(0);
  };
  const runSlice = (left: number) => queue.shift()?.(() => left);
  warmSearchIndex(pipes, idle);
  runSlice(0);
  expect(queue).toHaveLength(1);
  runSlice(10);
  expect(queue).toHaveLength(0);
  warmSearchIndex(pipes, idle)();
  expect(queue).toHaveLength(0);
});
