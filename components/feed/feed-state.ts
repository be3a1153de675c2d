// What the feed holds: archive pages and everything the live channel brought since the page
// opened, merged by revision. Framework-free; FeedStore drives it, the fetches injected.
import type { ReceivedChange } from '@/lib/live/reducer';
import type { Change } from '@/lib/pipes/entry';
import { archivedItem, linkPrevious, liveItem, MAX_ITEMS, mergeItems, type FeedItem } from './feed-rows';

export type PageResult = { ok: true; changes: Change[]; next: string | null } | { ok: false; error: string };

/** Revisions after `after`, up to and including `upTo`, that neither the archive nor the live channel gave. */
export type Gap = { after: number; upTo: number };

export type FeedState = {
  /** Newest first, one per revision. */
  items: readonly FeedItem[];
  /** Cursor of the next older archive page; null when there is none (or none to continue from). */
  next: string | null;
  latest: 'loading' | 'loaded' | { error: string };
  older: 'idle' | 'loading' | { error: string };
  /** Newest revision the archive's latest page held (0: the archive is empty). */
  archiveNewest: number | undefined;
  /** The newest live change taken in, to find the ones after it in the live list. */
  liveHead: ReceivedChange | undefined;
  liveFrom: number | undefined;
  liveTo: number;
  /** Rows past MAX_ITEMS were let go; older pages can no longer join up with what is left. */
  truncated: boolean;
  /** Set when the archive still lagged behind the live channel after the last retry. */
  missing: Gap | undefined;
};

export const initialFeedState: FeedState = {
  items: [],
  next: null,
  latest: 'loading',
  older: 'idle',
  archiveNewest: undefined,
  liveHead: undefined,
  liveFrom: undefined,
  liveTo: 0,
  truncated: false,
  missing: undefined,
};

/** Takes in the live changes that arrived after the last ones taken (`recent` is newest first). */
export function absorbLive(state: FeedState, recent: readonly ReceivedChange[]): FeedState {
  if (recent.length === 0 || recent[0] === state.liveHead) return state;
  const at = state.liveHead ? recent.indexOf(state.liveHead) : -1;
  const fresh = (at === -1 ? recent : recent.slice(0, at)).map(liveItem);
  const oldest = fresh[fresh.length - 1]!.change.revision;
  const moved = { liveHead: recent[0], liveTo: fresh[0]!.change.revision };
  if (state.liveHead && oldest <= state.liveTo) {
    // Revisions started again at 1: the bucket was recreated, and nothing before compares.
    return { ...initialFeedState, ...moved, latest: 'loaded', items: fresh, liveFrom: oldest };
  }
  const liveFrom = state.liveFrom ?? oldest;
  const first = state.items[0];
  // The usual case: all newer than every row, so no archived row's previous value moves.
  const items =
    first === undefined || oldest > first.change.revision ? [...fresh, ...state.items] : linkPrevious(mergeItems(state.items, fresh));
  return capped({ ...state, ...moved, liveFrom, items });
}

/** The archive's newest page, on opening or fetched again because it lagged. */
export function applyLatest(state: FeedState, result: PageResult): FeedState {
  if (!result.ok) return state.latest === 'loaded' ? state : { ...state, latest: { error: result.error } };
  const page = result.changes.map(archivedItem);
  const newest = page[0]?.change.revision ?? 0;
  const oldest = page[page.length - 1]?.change.revision ?? 0;
  const first = state.archiveNewest === undefined;
  const joins = first || result.next === null || oldest <= state.archiveNewest! + 1;
  // A page that does not reach the rows already loaded would leave a hole: start over from it.
  const kept = joins ? state.items : state.items.filter((item) => item.live);
  const next = first || !joins ? result.next : state.next;
  const items = linkPrevious(mergeItems(kept, page));
  return capped({ ...state, items, next, latest: 'loaded', archiveNewest: Math.max(newest, state.archiveNewest ?? 0) });
}

/** An older page, fetched with `before`; dropped when the cursor moved on meanwhile. */
export function applyOlder(state: FeedState, before: string, result: PageResult): FeedState {
  if (state.next !== before) return { ...state, older: 'idle' };
  if (!result.ok) return { ...state, older: { error: result.error } };
  const items = linkPrevious(mergeItems(state.items, result.changes.map(archivedItem)));
  return capped({ ...state, items, next: result.next, older: 'idle' });
}

/**
 * The revisions between the archive's newest and the first the live channel gave (or the
 * snapshot it started from): the archive lags the bucket by a few milliseconds.
 */
export function archiveGap(state: FeedState, live: { synced: boolean; revision: number }): Gap | undefined {
  if (state.latest !== 'loaded' || state.archiveNewest === undefined || !live.synced) return undefined;
  const upTo = state.liveFrom === undefined ? live.revision : state.liveFrom - 1;
  return state.archiveNewest < upTo ? { after: state.archiveNewest, upTo } : undefined;
}

function capped(state: FeedState): FeedState {
  if (state.items.length <= MAX_ITEMS) return state;
  const items = state.items.slice(0, MAX_ITEMS);
  let liveFrom: number | undefined;
  for (const item of items) if (item.live) liveFrom = item.change.revision;
  return { ...state, items, next: null, truncated: true, liveFrom };
}
