import { describe, expect, test } from 'vitest';
import type { ReceivedChange } from '@/lib/live/reducer';
import type { Change, Entry } from '@/lib/pipes/entry';
import { MAX_ITEMS } from './feed-rows';
import { absorbLive, applyLatest, applyOlder, archiveGap, initialFeedState, type FeedState, type PageResult } from './feed-state';

const put = (key: string, revision: number, extra: Partial<Entry> = {}): Entry => ({
  key,
  revision,
  updated: '2026-01-01T00:00:00Z',
  operation: 'PUT',
  value: { name: key, sql: `SELECT ${revision}` },
  ...extra,
});
const received = (change: Change, previous?: Entry): ReceivedChange => ({ change, previous, receivedAt: 1 });
/** Archived changes with the given revisions, newest first, all of key `k`. */
const page = (revisions: number[], next: string | null = null): PageResult => ({
  ok: true,
  changes: revisions.map((r) => ({ ...put('k', r), actor: 'external' })),
  next,
});
const revisions = (state: FeedState) => state.items.map((i) => i.change.revision);
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

describe('absorbLive', () => {
  test('takes in only what arrived after the last change taken', () => {
    const first = [received(put('a', 2)), received(put('a', 1))];
    const once = absorbLive(initialFeedState, first);
    expect(revisions(once)).toEqual([2, 1]);
    expect(once.items.every((i) => i.live && i.previousKnown)).toBe(true);
    expect(absorbLive(once, first)).toBe(once);
    const twice = absorbLive(once, [received(put('a', 3)), ...first]);
    expect(revisions(twice)).toEqual([3, 2, 1]);
    expect(twice.liveFrom).toBe(1);
    expect(twice.liveTo).toBe(3);
  });

  test('keeps every live change, also those the live list has since let go', () => {
    let state = absorbLive(initialFeedState, [received(put('a', 1))]);
    state = absorbLive(state, [received(put('a', 3)), received(put('a', 2))]);
    expect(revisions(state)).toEqual([3, 2, 1]);
  });

  test('a live change the archive listed first replaces its row, and later archived rows diff against it', () => {
    let state = applyLatest(initialFeedState, page([12, 10]));
    state = absorbLive(state, [received(put('k', 11, { value: { name: 'k', sql: 'live' } }), put('k', 10))]);
    expect(revisions(state)).toEqual([12, 11, 10]);
    expect(state.items[1]!.live).toBe(true);
    expect(state.items[0]!.previous?.value?.sql).toBe('live');
  });

  test('revisions starting again (a recreated bucket) start the feed again from the live changes', () => {
    const before = received(put('a', 10));
    let state = absorbLive(applyLatest(initialFeedState, page([9, 8], 'c')), [before]);
    state = absorbLive(state, [received(put('a', 2)), received(put('a', 1)), before]);
    expect(revisions(state)).toEqual([2, 1]);
    expect(state.next).toBeNull();
    expect(archiveGap(state, { synced: true, revision: 2 })).toBeUndefined();
  });
});

describe('applyLatest', () => {
  test('the first page: rows without a diff where their key has no older row, and its cursor', () => {
    const state = applyLatest(initialFeedState, page([3, 2], 'c2'));
    expect(state).toMatchObject({ latest: 'loaded', next: 'c2', archiveNewest: 3 });
    expect(state.items.map((i) => i.previousKnown)).toEqual([true, false]);
  });

  test('fetched again, a page that reaches the loaded rows joins them and keeps the older cursor', () => {
    let state = applyOlder(applyLatest(initialFeedState, page([5, 4], 'c4')), 'c4', page([3, 2], 'c2'));
    state = applyLatest(state, page([7, 6, 5], 'c5'));
    expect(revisions(state)).toEqual([7, 6, 5, 4, 3, 2]);
    expect(state).toMatchObject({ next: 'c2', archiveNewest: 7 });
  });

  test('fetched again, a page that leaves a hole replaces the archived rows, not the live ones', () => {
    let state = absorbLive(applyLatest(initialFeedState, page([2, 1], 'c1')), [received(put('a', 300))]);
    state = applyLatest(state, page([299, 298], 'c298'));
    expect(revisions(state)).toEqual([300, 299, 298]);
    expect(state.next).toBe('c298');
  });

  test('a failure: an error on opening; kept quiet when fetching again', () => {
    const failed: PageResult = { ok: false, error: 'archive unavailable' };
    expect(applyLatest(initialFeedState, failed).latest).toEqual({ error: 'archive unavailable' });
    const loaded = applyLatest(initialFeedState, page([1]));
    expect(applyLatest(loaded, failed)).toBe(loaded);
  });
});

describe('applyOlder', () => {
  test('appends the page and moves the cursor', () => {
    const state = applyOlder({ ...applyLatest(initialFeedState, page([4, 3], 'c3')), older: 'loading' }, 'c3', page([2, 1], null));
    expect(revisions(state)).toEqual([4, 3, 2, 1]);
    expect(state).toMatchObject({ next: null, older: 'idle' });
    expect(state.items.map((i) => i.previousKnown)).toEqual([true, true, true, false]);
  });

  test('a page for a cursor that moved on meanwhile is dropped', () => {
    const state = { ...applyLatest(initialFeedState, page([4], 'c4')), older: 'loading' as const };
    expect(revisions(applyOlder(state, 'stale', page([2, 1])))).toEqual([4]);
  });

  test('a failure keeps the rows and the cursor, to try again', () => {
    const state = applyOlder(applyLatest(initialFeedState, page([4], 'c4')), 'c4', { ok: false, error: 'HTTP 500' });
    expect(state).toMatchObject({ next: 'c4', older: { error: 'HTTP 500' } });
  });

  test('past the most rows a page keeps: the oldest go, and with them the cursor', () => {
    const full = applyLatest(initialFeedState, page(range(MAX_ITEMS + 10, 11), 'c11'));
    const state = applyOlder(full, 'c11', page(range(10, 1), 'c1'));
    expect(state.items).toHaveLength(MAX_ITEMS);
    expect(state.items[MAX_ITEMS - 1]!.change.revision).toBe(11);
    expect(state).toMatchObject({ next: null, truncated: true });
  });
});

describe('archiveGap', () => {
  const loaded = applyLatest(initialFeedState, page([5]));

  test('the archive behind the snapshot the live channel started from', () => {
    expect(archiveGap(loaded, { synced: true, revision: 8 })).toEqual({ after: 5, upTo: 8 });
    expect(archiveGap(loaded, { synced: true, revision: 5 })).toBeUndefined();
  });

  test('with live changes, only up to the first of them', () => {
    const withLive = absorbLive(loaded, [received(put('a', 7))]);
    expect(archiveGap(withLive, { synced: true, revision: 7 })).toEqual({ after: 5, upTo: 6 });
    expect(archiveGap(absorbLive(loaded, [received(put('a', 6))]), { synced: true, revision: 6 })).toBeUndefined();
  });

  test('nothing to compare before the archive answered or the live channel synced', () => {
    expect(archiveGap(initialFeedState, { synced: true, revision: 8 })).toBeUndefined();
    expect(archiveGap(loaded, { synced: false, revision: 0 })).toBeUndefined();
  });
});
