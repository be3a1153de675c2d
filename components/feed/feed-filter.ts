// The feed's filter and pause arithmetic, framework-free.
import { EXTERNAL, type Change } from '@/lib/pipes/entry';

export const OPERATIONS = ['PUT', 'DEL', 'PURGE'] as const;
export type Operation = (typeof OPERATIONS)[number];

export type FeedFilter = { key: string; actor: string; operations: ReadonlySet<Operation> };

export const allOperations: ReadonlySet<Operation> = new Set(OPERATIONS);

export const noFilter: FeedFilter = { key: '', actor: '', operations: allOperations };

/** Who made the change: a signed-in user, or undefined for an external writer (the archive says "external", the live channel nothing). */
export function actorOf(change: Change): string | undefined {
  return change.actor && change.actor !== EXTERNAL ? change.actor : undefined;
}

export function isFiltering(filter: FeedFilter): boolean {
  return filter.key.trim() !== '' || filter.actor.trim() !== '' || filter.operations.size < OPERATIONS.length;
}

/** Key and actor are case-insensitive substrings; "external" finds the changes no console made. */
export function matchesFeedFilter({ change }: { change: Change }, filter: FeedFilter): boolean {
  const key = filter.key.trim().toLowerCase();
  const actor = filter.actor.trim().toLowerCase();
  return (
    filter.operations.has(change.operation) &&
    (key === '' || change.key.toLowerCase().includes(key)) &&
    (actor === '' || (actorOf(change) ?? EXTERNAL).toLowerCase().includes(actor))
  );
}

/** The changes the filter lets through, in order; the same array when nothing is filtered. */
export function filterFeed<T extends { change: Change }>(items: readonly T[], filter: FeedFilter): readonly T[] {
  return isFiltering(filter) ? items.filter((item) => matchesFeedFilter(item, filter)) : items;
}

export function toggleOperation(operations: ReadonlySet<Operation>, op: Operation): ReadonlySet<Operation> {
  const next = new Set(operations);
  if (!next.delete(op)) next.add(op);
  return next;
}

/**
 * What a feed paused at revision `pausedAt` shows, and what arrived since (`items` newest first):
 * older pages loaded meanwhile still join the end, newer changes wait in `pending`.
 */
export function pausedView<T extends { change: Change }>(
  items: readonly T[],
  pausedAt: number | null,
): { shown: readonly T[]; pending: readonly T[] } {
  if (pausedAt === null) return { shown: items, pending: [] };
  let at = items.findIndex((item) => item.change.revision <= pausedAt);
  if (at === -1) at = items.length;
  return at === 0 ? { shown: items, pending: [] } : { shown: items.slice(at), pending: items.slice(0, at) };
}

/** "1 new change", "12 new changes". */
export function newChangesLabel(count: number): string {
  return `${count} new change${count === 1 ? '' : 's'}`;
}
