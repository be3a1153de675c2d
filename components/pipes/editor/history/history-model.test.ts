import { describe, expect, it } from 'vitest';
import type { ArchivedChange, Entry } from '@/lib/pipes/entry';
import { comparedPair, historyUrl, mergeHistory, readHistoryPage, revertBlockedWhy, revertPlan, revisionTime, toggleCompare } from './history-model';

const put = (revision: number, sql: string, extra: Partial<ArchivedChange> = {}): ArchivedChange =>
  ({
    key: 'p',
    revision,
    updated: '2026-01-01T00:00:00.000Z',
    operation: 'PUT',
    value: { name: 'p', sql },
    actor: 'external',
    source: 'bucket',
    ...extra,
  }) as ArchivedChange;
const del = (revision: number): ArchivedChange => ({ key: 'p', revision, updated: '2026-01-01T00:00:00.000Z', operation: 'DEL', actor: 'alice', source: 'bucket' });
const current = (revision: number): Entry => ({ key: 'p', revision, updated: '2026-01-01T00:00:00.000Z', operation: 'PUT', value: { name: 'p', sql: 'SELECT now' } });

describe('historyUrl', () => {
  it('asks for the newest page, or the page before a cursor, with the key as one path segment', () => {
    expect(historyUrl('a/b')).toBe('/api/pipes/a%2Fb/history');
    expect(historyUrl('p', 'c&d=1')).toBe('/api/pipes/p/history?before=c%26d%3D1');
    expect(historyUrl('p', null)).toBe('/api/pipes/p/history');
  });
});

describe('readHistoryPage', () => {
  it('keeps actor, source and the cursor the API sends', () => {
    const page = readHistoryPage({ history: [put(3, 'x', { actor: 'admin token', source: 'archive', note: 'why' })], next: 'cur' });
    expect(page.next).toBe('cur');
    expect(page.history[0]).toMatchObject({ revision: 3, actor: 'admin token', source: 'archive', note: 'why' });
  });

  it('reads a change without an actor as external and one without a source as in the bucket, and no cursor as the last page', () => {
    const page = readHistoryPage({ history: [{ key: 'p', revision: 2, updated: '', operation: 'DEL' }] });
    expect(page.history[0]).toMatchObject({ actor: 'external', source: 'bucket' });
    expect(page.next).toBeNull();
    expect(readHistoryPage({ history: [], next: '' }).next).toBeNull();
  });
});

describe('mergeHistory', () => {
  it('folds an older page and a refresh into one list, newest first, one row per revision', () => {
    const merged = mergeHistory([put(9, 'a'), put(7, 'b')], [put(11, 'c'), put(9, 'a', { source: 'archive' }), put(3, 'd')]);
    expect(merged.map((c) => c.revision)).toEqual([11, 9, 7, 3]);
    expect(merged[1]?.source).toBe('archive');
  });
});

describe('toggleCompare', () => {
  it('ticks up to two revisions and unticks a ticked one', () => {
    expect(toggleCompare([], 5)).toEqual([5]);
    expect(toggleCompare([5], 3)).toEqual([5, 3]);
    expect(toggleCompare([5, 3], 5)).toEqual([3]);
  });

  it('replaces the revision ticked first when a third is ticked', () => {
    expect(toggleCompare([5, 3], 8)).toEqual([3, 8]);
  });
});

describe('comparedPair', () => {
  const history = [put(9, 'c'), del(7), put(4, 'a')];

  it('gives the two ticked revisions older first, whatever order they were ticked in', () => {
    expect(comparedPair(history, [9, 4])?.map((c) => c.revision)).toEqual([4, 9]);
    expect(comparedPair(history, [4, 7])?.map((c) => c.revision)).toEqual([4, 7]);
  });

  it('gives nothing until two revisions in the list are ticked', () => {
    expect(comparedPair(history, [9])).toBeUndefined();
    expect(comparedPair(history, [9, 2])).toBeUndefined();
  });
});

describe('revertPlan', () => {
  it('writes the old value as a new revision, compare-and-set against the revision the editor has, noted "revert to rN"', () => {
    expect(revertPlan(put(4, 'SELECT old'), current(9))).toEqual({
      revision: 4,
      pipe: { name: 'p', sql: 'SELECT old' },
      precondition: { ifMatch: 9 },
      note: 'revert to r4',
    });
  });

  it.each<[string, ArchivedChange, Entry | null]>([
    ['a delete marker', del(4), current(9)],
    ['an invalid value', put(4, 'x', { value: null, invalid: { message: 'invalid JSON' }, raw: '{' }), current(9)],
    ['the revision the editor has', put(9, 'SELECT now'), current(9)],
    ['a pipe the editor does not have', put(4, 'SELECT old'), null],
  ])('offers none for %s', (_what, change, editorHas) => {
    expect(revertPlan(change, editorHas)).toBeUndefined();
  });
});

describe('revertBlockedWhy', () => {
  const idle = { busy: false, dirty: false, newer: false };

  it('lets a revert start only in a clean editor with no write in flight and no newer version pending', () => {
    expect(revertBlockedWhy(idle)).toBeUndefined();
  });

  it.each<[string, Partial<typeof idle>, RegExp]>([
    ['a write in flight', { busy: true }, /in flight/],
    ['unsaved edits', { dirty: true }, /unsaved edits/],
    ['a newer version to resolve', { newer: true }, /newer version/],
  ])('says why not with %s', (_what, editor, why) => {
    expect(revertBlockedWhy({ ...idle, ...editor })).toMatch(why);
  });
});

describe('revisionTime', () => {
  it('shows the seconds, in local time, and an unreadable time as it came', () => {
    const at = new Date(2026, 4, 3, 14, 7, 9);
    expect(revisionTime(at.toISOString())).toBe('2026-05-03 14:07:09');
    expect(revisionTime('soon')).toBe('soon');
  });
});
