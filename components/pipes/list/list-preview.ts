// The list's first screen, rendered on the server from the watched cache so the first rows are
// on screen before the tab's live snapshot (5 MB with 10,000 pipes) has arrived and been parsed.
// Framework-free: the server builds it, the client shows it until its own state is synced.
import type { Snapshot } from '@/lib/live/protocol';
import type { Entry } from '@/lib/pipes/entry';
import { countInvalid, filterPipes, isSortKey, sortPipes, type SortKey } from './list-query';

/** More rows than a tall window shows (37 px each); the rest come with the live snapshot. */
export const PREVIEW_ROWS = 50;

export type ListPreview = {
  /** The search and sort it was built for: the tab shows it only while its own are the same. */
  query: string;
  sort: SortKey;
  revision: number;
  total: number;
  matching: number;
  invalid: number;
  rows: Entry[];
};

/** The sort from the address: `?sort=` as the list writes it, name when absent or unknown. */
export function sortParam(value: string | string[] | undefined): SortKey {
  return typeof value === 'string' && isSortKey(value) ? value : 'name';
}

/** The search from the address (`?q=`), as the list reads it. */
export function queryParam(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

// Sorted once per snapshot and sort: every page view of one revision shares it.
const sortedBySnapshot = new WeakMap<Snapshot, Partial<Record<SortKey, Entry[]>>>();

function sortedOf(snapshot: Snapshot, sort: SortKey): Entry[] {
  let bySort = sortedBySnapshot.get(snapshot);
  if (!bySort) sortedBySnapshot.set(snapshot, (bySort = {}));
  return (bySort[sort] ??= sortPipes(snapshot.pipes, sort));
}

/** The first `rows` pipes the list shows for this search and sort, and its counts. */
export function listPreview(snapshot: Snapshot, query: string, sort: SortKey, rows = PREVIEW_ROWS): ListPreview {
  const matches = filterPipes(sortedOf(snapshot, sort), query);
  return {
    query,
    sort,
    revision: snapshot.revision,
    total: snapshot.pipes.length,
    matching: matches.length,
    invalid: countInvalid(snapshot.pipes),
    rows: matches.slice(0, rows),
  };
}

/** Whether the tab, not yet synced, may show the preview's rows: the same search and sort. */
export function previewFits(preview: ListPreview, query: string, sort: SortKey): boolean {
  return preview.query === query && preview.sort === sort;
}
