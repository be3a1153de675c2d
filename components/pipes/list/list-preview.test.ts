import { describe, expect, test } from 'vitest';
import type { Snapshot } from '@/lib/live/protocol';
import type { Entry } from '@/lib/pipes/entry';
import { listPreview, previewFits, queryParam, sortParam } from './list-preview';

function entry(key: string, revision: number, sql = 'SELECT 1'): Entry {
  return { key, revision, updated: '2026-01-01T00:00:00Z', operation: 'PUT', value: { name: key, sql } };
}

const broken: Entry = { key: 'broken', revision: 2, updated: '2026-01-01T00:00:00Z', operation: 'PUT', value: null, raw: '{', invalid: { message: 'invalid JSON' } };
// Written out of name order, so a preview in name order proves it sorted.
const snapshot: Snapshot = { revision: 40, pipes: [entry('pipe_10', 30), entry('pipe_2', 10, 'SELECT * FROM orders'), broken, entry('pipe_1', 40)] };

describe('listPreview', () => {
  test('takes the first rows in the sort asked for', () => {
    expect(listPreview(snapshot, '', 'name', 2).rows.map((e) => e.key)).toEqual(['broken', 'pipe_1']);
    expect(listPreview(snapshot, '', 'updated', 2).rows.map((e) => e.key)).toEqual(['pipe_1', 'pipe_10']);
  });

  test('applies the search before cutting, and counts what matched', () => {
    const preview = listPreview(snapshot, 'orders', 'name', 1);
    expect(preview.rows.map((e) => e.key)).toEqual(['pipe_2']);
    expect(preview.matching).toBe(1);
  });

  test('counts every pipe and the invalid ones, whatever the search', () => {
    const preview = listPreview(snapshot, 'orders', 'name');
    expect({ total: preview.total, invalid: preview.invalid, revision: preview.revision }).toEqual({ total: 4, invalid: 1, revision: 40 });
  });

  test('sorts a snapshot once per sort: a second preview of it reuses the order', () => {
    const first = listPreview(snapshot, '', 'name');
    const again = listPreview(snapshot, '', 'name');
    expect(again.rows[0]).toBe(first.rows[0]);
    expect(snapshot.pipes.map((e) => e.key)).toEqual(['pipe_10', 'pipe_2', 'broken', 'pipe_1']);
  });
});

describe('previewFits', () => {
  const preview = listPreview(snapshot, 'pipe', 'name');

  test('fits the search and sort it was built for', () => {
    expect(previewFits(preview, 'pipe', 'name')).toBe(true);
  });

  test('does not fit another search or sort', () => {
    expect([previewFits(preview, 'pip', 'name'), previewFits(preview, 'pipe', 'updated')]).toEqual([false, false]);
  });

});

describe('the address', () => {
  test('an unknown or repeated sort is by name', () => {
    expect([sortParam('updated'), sortParam('size'), sortParam(['updated', 'name']), sortParam(undefined)]).toEqual(['updated', 'name', 'name', 'name']);
  });

  test('a repeated or missing search is no search', () => {
    expect([queryParam('a b'), queryParam(['a', 'b']), queryParam(undefined)]).toEqual(['a b', '', '']);
  });
});
