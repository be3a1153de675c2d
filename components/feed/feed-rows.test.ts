import { describe, expect, test } from 'vitest';
import type { Change, Entry } from '@/lib/pipes/entry';
import { archivedItem, linkPrevious, liveItem, mergeItems, type FeedItem } from './feed-rows';

const put = (key: string, revision: number, sql = `SELECT ${revision}`): Entry => ({
  key,
  revision,
  updated: '2026-01-01T00:00:00Z',
  operation: 'PUT',
  value: { name: key, sql },
});
const del = (key: string, revision: number): Change => ({ key, revision, updated: '2026-01-01T00:00:00Z', operation: 'DEL' });
const live = (change: Change, previous?: Entry): FeedItem => liveItem({ change, previous, receivedAt: 1 });
const revisions = (items: readonly FeedItem[]) => items.map((i) => i.change.revision);

describe('mergeItems', () => {
  test('newest first, one row per revision, whichever list held it', () => {
    const archive = [put('a', 5), put('b', 3), put('a', 1)].map(archivedItem);
    const fromLive = [live(put('c', 7)), live(put('a', 5)), live(put('b', 4))];
    expect(revisions(mergeItems(archive, fromLive))).toEqual([7, 5, 4, 3, 1]);
    expect(revisions(mergeItems(fromLive, archive))).toEqual([7, 5, 4, 3, 1]);
  });

  test('on a revision both hold, the live row is kept, from either side', () => {
    const archived = archivedItem(put('a', 5));
    const received = live(put('a', 5), put('a', 2));
    expect(mergeItems([archived], [received])[0]).toBe(received);
    expect(mergeItems([received], [archived])[0]).toBe(received);
  });

  test('an empty side gives the other', () => {
    const items = [archivedItem(put('a', 2)), archivedItem(put('a', 1))];
    expect(mergeItems(items, [])).toEqual(items);
    expect(mergeItems([], items)).toEqual(items);
  });
});

describe('linkPrevious', () => {
  test('an archived row diffs against the next older loaded row of its key', () => {
    const [newest, , oldest] = linkPrevious([put('a', 5), put('b', 4), put('a', 2)].map(archivedItem));
    expect(newest).toMatchObject({ previousKnown: true, previous: put('a', 2) });
    // The oldest loaded row of a key cannot tell a creation from a change.
    expect(oldest).toMatchObject({ previousKnown: false, previous: undefined });
  });

  test('after a delete marker, a put is a creation: known, nothing before it', () => {
    const [recreated, deleted] = linkPrevious([archivedItem(put('a', 3)), archivedItem(del('a', 2)), archivedItem(put('a', 1))]);
    expect(recreated).toMatchObject({ previousKnown: true, previous: undefined });
    expect(deleted).toMatchObject({ previousKnown: true, previous: put('a', 1) });
  });

  test('live rows keep the previous value the tab saw, and serve as the previous of archived ones', () => {
    const received = live(put('a', 4), put('a', 3, 'what the tab had'));
    const [archived, kept] = linkPrevious([archivedItem(put('a', 6)), received]);
    expect(kept).toBe(received);
    expect(archived).toMatchObject({ previousKnown: true, previous: received.change });
  });

  test('rows whose previous value did not move keep their identity', () => {
    const once = linkPrevious([put('a', 5), put('a', 2)].map(archivedItem));
    const again = linkPrevious(once);
    expect(again[0]).toBe(once[0]);
    expect(again[1]).toBe(once[1]);
  });
});
