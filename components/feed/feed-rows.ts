// The feed's rows: changes from the archive and from the live channel in one list, newest first,
// one row per bucket revision (both sides number changes by it), framework-free.
import type { ReceivedChange } from '@/lib/live/reducer';
import { isDeleteMarker, type Change } from '@/lib/pipes/entry';

export type FeedItem = ReceivedChange & {
  /**
   * False when the key's previous change is not among the loaded rows: the row cannot tell
   * "created" from "changed", so it shows no diff rather than a wrong one.
   */
  previousKnown: boolean;
  /** Received over the live channel, whose `previous` is exact; archived rows get theirs here. */
  live: boolean;
};

/** The page holds at most this many rows, so a feed left open for days stays light. */
export const MAX_ITEMS = 5000;

export function liveItem(received: ReceivedChange): FeedItem {
  return { ...received, previousKnown: true, live: true };
}

export function archivedItem(change: Change): FeedItem {
  return { change, previous: undefined, previousKnown: false, receivedAt: 0, live: false };
}

/**
 * Both lists newest first with one row per revision; the result too. On a revision both hold,
 * the live row wins: its previous value is the one this tab really replaced.
 */
export function mergeItems(a: readonly FeedItem[], b: readonly FeedItem[]): FeedItem[] {
  const out: FeedItem[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.change.revision > y.change.revision)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y.change.revision > x.change.revision) {
      out.push(y);
      j++;
    } else {
      out.push(x.live || !y.live ? x : y);
      i++;
      j++;
    }
  }
  return out;
}

/**
 * Gives each archived row the value its key had before it: the next older loaded row of the
 * same key (none after a delete). Rows keep their identity when nothing changed for them, so
 * their memoised rendering and diff survive a merge.
 */
export function linkPrevious(items: readonly FeedItem[]): FeedItem[] {
  const out = items.slice();
  const before = new Map<string, FeedItem>();
  for (let i = out.length - 1; i >= 0; i--) {
    const item = out[i]!;
    if (!item.live) {
      const older = before.get(item.change.key);
      const previousKnown = older !== undefined;
      const previous = older === undefined || isDeleteMarker(older.change) ? undefined : older.change;
      if (previousKnown !== item.previousKnown || previous !== item.previous) out[i] = { ...item, previous, previousKnown };
    }
    before.set(item.change.key, out[i]!);
  }
  return out;
}
