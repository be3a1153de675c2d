import { expect, test } from 'vitest';
import type { ReceivedChange } from '@/lib/live/reducer';
import type { Entry } from '@/lib/pipes/entry';
import { changeDiff, changeSummary, changedFields } from './change-diff';

const entry = (revision: number, sql: string, description?: string): Entry => ({
  key: 'p',
  revision,
  updated: '2026-01-01T00:00:00Z',
  operation: 'PUT',
  value: { name: 'p', sql, ...(description ? { description } : {}) },
});

test('a put against the value it replaced, computed once', () => {
  const item: ReceivedChange = { change: entry(2, 'SELECT 2', 'two'), previous: entry(1, 'SELECT 1'), receivedAt: 0 };
  const changes = changeDiff(item);
  expect(changes.map((c) => [c.field, c.kind])).toEqual([
    ['sql', 'changed'],
    ['description', 'added'],
  ]);
  expect(changeDiff(item)).toBe(changes);
});

test('a creation adds every field; a delete removes them', () => {
  const created = changeDiff({ change: entry(1, 'SELECT 1'), previous: undefined, receivedAt: 0 });
  expect(created.every((c) => c.kind === 'added')).toBe(true);
  const deleted = changeDiff({
    change: { key: 'p', revision: 2, updated: '', operation: 'DEL' },
    previous: entry(1, 'SELECT 1'),
    receivedAt: 0,
  });
  expect(deleted.map((c) => [c.field, c.kind])).toEqual([
    ['name', 'removed'],
    ['sql', 'removed'],
  ]);
});

test('changedFields names the touched fields, shortened past a few', () => {
  const fields = (...names: string[]) => names.map((field) => ({ field, kind: 'changed' as const }));
  expect(changedFields(fields('sql', 'description'))).toBe('sql, description');
  expect(changedFields(fields('a', 'b', 'c', 'd', 'e', 'f'))).toBe('a, b, c, d +2 more');
});

test('changeSummary says what happened in a few words', () => {
  const summary = (item: ReceivedChange) => changeSummary(item, changeDiff(item));
  expect(summary({ change: entry(1, 'SELECT 1'), previous: undefined, receivedAt: 0 })).toBe('created');
  expect(summary({ change: entry(2, 'SELECT 2'), previous: entry(1, 'SELECT 1'), receivedAt: 0 })).toBe('sql');
  expect(summary({ change: entry(2, 'SELECT 1'), previous: entry(1, 'SELECT 1'), receivedAt: 0 })).toBe('written again, no field changed');
  expect(
    summary({ change: { key: 'p', revision: 3, updated: '', operation: 'PURGE' }, previous: entry(2, 'SELECT 1'), receivedAt: 0 }),
  ).toBe('purged, history removed');
  const invalid: Entry = {
    key: 'p',
    revision: 4,
    updated: '',
    operation: 'PUT',
    value: null,
    raw: '{',
    invalid: { message: 'invalid JSON' },
  };
  expect(summary({ change: invalid, previous: undefined, receivedAt: 0 })).toBe('invalid: invalid JSON');
});

test('changeSummary: an archived put whose previous value is not loaded claims no creation', () => {
  const item = { change: entry(2, 'SELECT 2'), previous: undefined, receivedAt: 0, previousKnown: false };
  expect(changeSummary(item, [])).toBe('written; earlier value not loaded');
  expect(changeSummary({ ...item, previousKnown: true }, changeDiff(item))).toBe('created');
});
