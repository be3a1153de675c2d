import { expect, test } from 'vitest';
import { changesUrl, pageResult } from './archive-api';

test('changesUrl: the latest page, or the one before a cursor, escaped', () => {
  expect(changesUrl(undefined)).toBe('/api/changes?limit=100');
  expect(changesUrl('r 12&x', 50)).toBe('/api/changes?limit=50&before=r+12%26x');
});

test("pageResult: the changes and the cursor; a failure as the server's error or the status", () => {
  const changes = [{ key: 'a', revision: 1, updated: '', operation: 'DEL', actor: 'external' }];
  expect(pageResult(200, { changes, next: 'c1' })).toEqual({ ok: true, changes, next: 'c1' });
  expect(pageResult(200, { changes, next: null })).toEqual({ ok: true, changes, next: null });
  expect(pageResult(503, { error: 'the archive is unavailable' })).toEqual({ ok: false, error: 'the archive is unavailable' });
  expect(pageResult(502, undefined)).toEqual({ ok: false, error: 'HTTP 502' });
  expect(pageResult(200, { deleted: [] })).toEqual({ ok: false, error: 'the answer holds no list of changes' });
});
