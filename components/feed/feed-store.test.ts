import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ReceivedChange } from '@/lib/live/reducer';
import type { Entry } from '@/lib/pipes/entry';
import type { PageResult } from './feed-state';
import { FeedStore, RETRY_DELAYS_MS, type LiveView } from './feed-store';

const put = (revision: number): Entry => ({
  key: 'k',
  revision,
  updated: '',
  operation: 'PUT',
  value: { name: 'k', sql: `SELECT ${revision}` },
});
const page = (revisions: number[], next: string | null = null): PageResult => ({
  ok: true,
  changes: revisions.map((r) => ({ ...put(r), actor: 'external' })),
  next,
});
const received = (revision: number): ReceivedChange => ({ change: put(revision), previous: put(revision - 1), receivedAt: 1 });
const synced = (revision: number, recent: ReceivedChange[] = []): LiveView => ({ recent, synced: true, revision });

/** A fetch that answers each call with the next of `answers` (the last one again when they run out). */
function fakeFetch(...answers: PageResult[]) {
  const calls: (string | undefined)[] = [];
  const fetchPage = vi.fn(async (before: string | undefined) => {
    calls.push(before);
    return answers[Math.min(calls.length, answers.length) - 1]!;
  });
  return { fetchPage, calls };
}

const revisions = (store: FeedStore) => store.getState().items.map((i) => i.change.revision);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('opening', () => {
  test('the archive up to date: one fetch, its rows joined by the live ones without a duplicate', async () => {
    const { fetchPage } = fakeFetch(page([5, 4]));
    const store = new FeedStore(fetchPage);
    store.start();
    await vi.runAllTimersAsync();
    store.setLive(synced(6, [received(6), received(5)]));
    await vi.runAllTimersAsync();
    expect(revisions(store)).toEqual([6, 5, 4]);
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(store.getState().missing).toBeUndefined();
  });

  test('the archive lagging behind the live channel: fetched again until it has caught up', async () => {
    const { fetchPage } = fakeFetch(page([5, 4]), page([7, 6, 5, 4]));
    const store = new FeedStore(fetchPage);
    store.start();
    store.setLive(synced(7));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchPage).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[0]);
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(revisions(store)).toEqual([7, 6, 5, 4]);
    await vi.runAllTimersAsync();
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });

  test('an archive that never catches up: a bounded number of fetches, then the gap is named', async () => {
    const { fetchPage } = fakeFetch(page([5]));
    const store = new FeedStore(fetchPage);
    store.start();
    store.setLive(synced(9));
    await vi.runAllTimersAsync();
    expect(fetchPage).toHaveBeenCalledTimes(1 + RETRY_DELAYS_MS.length);
    expect(store.getState().missing).toEqual({ after: 5, upTo: 9 });
  });

  test('a failure is shown; Try again fetches once more', async () => {
    const { fetchPage } = fakeFetch({ ok: false, error: 'archive unavailable' }, page([1]));
    const store = new FeedStore(fetchPage);
    store.start();
    await vi.runAllTimersAsync();
    expect(store.getState().latest).toEqual({ error: 'archive unavailable' });
    store.retry();
    expect(store.getState().latest).toBe('loading');
    await vi.runAllTimersAsync();
    expect(store.getState().latest).toBe('loaded');
    expect(revisions(store)).toEqual([1]);
  });
});

describe('loadOlder', () => {
  test('fetches the page before the cursor once, and appends it', async () => {
    const { fetchPage, calls } = fakeFetch(page([4, 3], 'c3'), page([2, 1]));
    const store = new FeedStore(fetchPage);
    store.start();
    await vi.runAllTimersAsync();
    store.loadOlder();
    store.loadOlder();
    expect(store.getState().older).toBe('loading');
    await vi.runAllTimersAsync();
    expect(calls).toEqual([undefined, 'c3']);
    expect(revisions(store)).toEqual([4, 3, 2, 1]);
    store.loadOlder();
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});

test('stopped while an older page is on its way: its answer is dropped, and a new start can ask again', async () => {
  const { fetchPage, calls } = fakeFetch(page([4, 3], 'c3'), page([2, 1]));
  const store = new FeedStore(fetchPage);
  const stop = store.start();
  await vi.runAllTimersAsync();
  store.loadOlder();
  stop();
  await vi.runAllTimersAsync();
  expect(revisions(store)).toEqual([4, 3]);
  expect(store.getState().older).toBe('idle');
  store.start();
  store.loadOlder();
  await vi.runAllTimersAsync();
  expect(calls).toEqual([undefined, 'c3', 'c3']);
  expect(revisions(store)).toEqual([4, 3, 2, 1]);
});

test('stopped: an answer still in flight is dropped, and a new start fetches again', async () => {
  const { fetchPage } = fakeFetch(page([2]), page([3, 2]));
  const store = new FeedStore(fetchPage);
  const stop = store.start();
  stop();
  await vi.runAllTimersAsync();
  expect(store.getState().latest).toBe('loading');
  store.start();
  await vi.runAllTimersAsync();
  expect(fetchPage).toHaveBeenCalledTimes(2);
  expect(revisions(store)).toEqual([3, 2]);
});
