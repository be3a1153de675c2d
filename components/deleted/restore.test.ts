import { expect, test } from 'vitest';
import type { Entry } from '@/lib/pipes/entry';
import { deletedResult, recreatedMessage, restoreOutcome, restoreRequest, type DeletedPipe } from './restore';

const last: Entry = {
  key: 'sales/daily',
  revision: 41,
  updated: '2026-01-01T00:00:00Z',
  operation: 'PUT',
  value: { name: 'sales/daily', sql: 'SELECT 1', resolved_tables: ['sales'] },
};
const deleted: DeletedPipe = {
  key: 'sales/daily',
  revision: 42,
  updated: '2026-01-02T00:00:00Z',
  operation: 'DEL',
  actor: 'admin token',
  note: 'gone',
  last,
};

test('restoreRequest: create-only PUT of the last value, unknown fields kept, with the note naming its revision', () => {
  const request = restoreRequest(deleted);
  expect(request?.url).toBe('/api/pipes/sales%2Fdaily');
  expect(request?.init).toEqual({
    method: 'PUT',
    headers: { 'If-None-Match': '*', 'Content-Type': 'application/json', 'X-Change-Note': 'restore%20of%20r41' },
    body: JSON.stringify(last.value),
  });
  expect(JSON.parse(request!.init.body as string)).toEqual({ name: 'sales/daily', sql: 'SELECT 1', resolved_tables: ['sales'] });
});

test('restoreRequest: nothing to write when the last value was not a valid pipe', () => {
  expect(restoreRequest({ ...deleted, last: { ...last, value: null, raw: '{', invalid: { message: 'invalid JSON' } } })).toBeUndefined();
});

test("restoreOutcome: the new revision; 412 as recreated meanwhile; anything else with the server's error", () => {
  expect(restoreOutcome(200, { ...last, revision: 57 })).toEqual({ kind: 'restored', revision: 57 });
  expect(restoreOutcome(412, { error: 'precondition failed', current: last })).toEqual({ kind: 'recreated' });
  expect(restoreOutcome(403, { error: 'viewers cannot write' })).toEqual({ kind: 'failed', message: 'viewers cannot write' });
  expect(restoreOutcome(500, undefined)).toEqual({ kind: 'failed', message: 'HTTP 500' });
  expect(recreatedMessage('sales/daily')).toBe('sales/daily was created again by someone else meanwhile; nothing was written.');
});

test('deletedResult: the list, or the error', () => {
  expect(deletedResult(200, { deleted: [deleted] })).toEqual({ ok: true, deleted: [deleted] });
  expect(deletedResult(503, { error: 'the archive is unavailable' })).toEqual({ ok: false, error: 'the archive is unavailable' });
  expect(deletedResult(200, {})).toEqual({ ok: false, error: 'the answer holds no list of deleted pipes' });
});
