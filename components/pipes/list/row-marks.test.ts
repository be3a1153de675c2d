import { describe, expect, test } from 'vitest';
import type { ReceivedChange } from '@/lib/live/reducer';
import type { DeleteMarker, Entry } from '@/lib/pipes/entry';
import { deletedRows, nextExpiry, rowMarks } from './row-marks';
import { pipeEntry } from '@/test/support/entries';

const entry = (key: string, revision: number): Entry => pipeEntry(key, revision, 'SELECT 1', '2026-01-01T00:00:00Z');
const del = (key: string, revision: number): DeleteMarker => ({ key, revision, updated: '2026-01-01T00:00:00Z', operation: 'DEL' });
const put = (key: string, revision: number, receivedAt: number, previous?: Entry): ReceivedChange => ({ change: entry(key, revision), previous, receivedAt });
const remove = (key: string, revision: number, receivedAt: number, previous: Entry): ReceivedChange => ({ change: del(key, revision), previous, receivedAt });

describe('rowMarks', () => {
  test('new, changed and deleted, from the newest change of each key', () => {
    const recent = [remove('c', 4, 1_400, entry('c', 1)), put('b', 3, 1_300, entry('b', 2)), put('a', 2, 1_200)];
    const marks = rowMarks(recent, 2_000, 5_000);
    expect(Object.fromEntries([...marks].map(([k, m]) => [k, m.kind]))).toEqual({ a: 'new', b: 'changed', c: 'deleted' });
    expect(marks.get('c')?.until).toBe(6_400);
  });

  test('changes older than the window are not marked', () => {
    const recent = [put('b', 3, 9_000, entry('b', 2)), put('a', 2, 1_000)];
    expect([...rowMarks(recent, 7_000, 5_000).keys()]).toEqual(['b']);
  });

  test('created then edited within the window stays new; deleted then created again is new', () => {
    const recent = [put('a', 3, 1_300, entry('a', 2)), put('a', 2, 1_200), put('b', 6, 1_100), remove('b', 5, 1_050, entry('b', 4))];
    const marks = rowMarks(recent, 1_500, 5_000);
    expect(marks.get('a')?.kind).toBe('new');
    expect(marks.get('b')?.kind).toBe('new');
  });
});

test('nextExpiry is the soonest expiry, undefined without marks', () => {
  const marks = rowMarks([put('b', 3, 1_300, entry('b', 2)), put('a', 2, 1_200)], 1_500, 5_000);
  expect(nextExpiry(marks)).toBe(6_200);
  expect(nextExpiry(new Map())).toBeUndefined();
});

test('deletedRows keeps the last value of a deleted pipe until it comes back', () => {
  const before = entry('c', 1);
  const marks = rowMarks([remove('c', 4, 1_400, before)], 1_500, 5_000);
  expect(deletedRows(marks, new Map())).toEqual([before]);
  expect(deletedRows(marks, new Map([['c', entry('c', 5)]]))).toEqual([]);
});
