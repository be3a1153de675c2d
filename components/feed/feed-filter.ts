// The feed's filter and pause arithmetic, framework-free.
import type { ReceivedChange } from '@/lib/live/reducer';

export const OPERATIONS = ['PUT', 'DEL', 'PURGE'] as const;
export type Operation = (typeof OPERATIONS)[number];

export type FeedFilter = { key: string; operations: ReadonlySet<Operation> };

export const allOperations: ReadonlySet<Operation> = new Set(OPERATIONS);

export function isFiltering(filter: FeedFilter): boolean {
  return filter.key.trim() !== '' || filter.operations.size < OPERATIONS.length;
}

export function matchesFeedFilter({ change }: ReceivedChange, filter: FeedFilter): boolean {
  const needle = filter.key.trim().toLowerCase();
  return filter.operations.has(change.operation) && (needle === '' || change.key.toLowerCase().includes(needle));
}

/** The changes the filter lets through, in order; the same array when nothing is filtered. */
export function filterFeed(items: readonly ReceivedChange[], filter: FeedFilter): readonly ReceivedChange[] {
  return isFiltering(filter) ? items.filter((item) => matchesFeedFilter(item, filter)) : items;
}

export function toggleOperation(operations: ReadonlySet<Operation>, op: Operation): ReadonlySet<Operation> {
  const next = new Set(operations);
  if (!next.delete(op)) next.add(op);
  return next;
}

/**
 * The changes that arrived after `head` (the newest one shown when the feed was paused):
 * `recent` is newest first and reuses its items, so they are the ones before `head`.
 * `overflow` when `head` has been pushed out of the bounded list: at least this many.
 */
export function arrivedSince(
  recent: readonly ReceivedChange[],
  head: ReceivedChange | undefined,
): { items: readonly ReceivedChange[]; overflow: boolean } {
  if (head === undefined) return { items: recent, overflow: false };
  const at = recent.indexOf(head);
  return at === -1 ? { items: recent, overflow: true } : { items: recent.slice(0, at), overflow: false };
}

/** "1 new change", "12 new changes", "500+ new changes". */
export function newChangesLabel(count: number, overflow: boolean): string {
  return `${count}${overflow ? '+' : ''} new change${count === 1 && !overflow ? '' : 's'}`;
}
