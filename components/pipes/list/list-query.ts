// Search and sort for the pipe list, framework-free: 10,000 pipes filter in a few
// milliseconds because each entry's searchable text is lower-cased once and cached by identity
// (entries are immutable; a change brings a new object).
import type { Entry } from '@/lib/pipes/entry';

export const SORTS = { name: 'Name', updated: 'Last updated' } as const;
export type SortKey = keyof typeof SORTS;

export function isSortKey(value: unknown): value is SortKey {
  return typeof value === 'string' && Object.hasOwn(SORTS, value);
}

const haystacks = new WeakMap<Entry, string>();

/** Key, name, description and SQL (or the raw text of an invalid entry), lower-cased. */
function haystack(entry: Entry): string {
  let text = haystacks.get(entry);
  if (text === undefined) {
    const v = entry.value;
    text = [entry.key, v?.name, v?.description, v?.sql, entry.raw].filter((s) => typeof s === 'string').join('\n').toLowerCase();
    haystacks.set(entry, text);
  }
  return text;
}

/** The words of a query; an entry matches when it contains every one, case-insensitively. */
export function queryTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matchesQuery(entry: Entry, terms: readonly string[]): boolean {
  const text = haystack(entry);
  return terms.every((term) => text.includes(term));
}

/** The entries matching `query`, in their order; the same array when the query is blank. */
export function filterPipes(entries: readonly Entry[], query: string): readonly Entry[] {
  const terms = queryTerms(query);
  return terms.length === 0 ? entries : entries.filter((e) => matchesQuery(e, terms));
}

const sortKeys = new WeakMap<Entry, string>();

/**
 * The key as it sorts for people: case-insensitive, and with numbers in numeric order
 * ("pipe_2" before "pipe_10") by padding every run of digits. Cached, so a re-sort of 10,000
 * entries on each live change compares plain strings.
 */
function sortKey(entry: Entry): string {
  let key = sortKeys.get(entry);
  if (key === undefined) {
    key = entry.key.toLowerCase().replace(/\d+/g, (digits) => digits.padStart(16, '0'));
    sortKeys.set(entry, key);
  }
  return key;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKey = (a: Entry, b: Entry) => compare(sortKey(a), sortKey(b)) || compare(a.key, b.key);

/** A new array: by key, or most recently written first (the bucket revision orders writes). */
export function sortPipes(entries: Iterable<Entry>, sort: SortKey): Entry[] {
  const list = [...entries];
  return list.sort(sort === 'updated' ? (a, b) => b.revision - a.revision || byKey(a, b) : byKey);
}

/**
 * Builds the search text of entries ahead of the first keystroke, a slice at a time while the
 * browser is idle. Returns a function that stops it.
 */
export function warmSearchIndex(entries: readonly Entry[], idle: (work: (timeLeft: () => number) => void) => () => void): () => void {
  let next = 0;
  let cancel = () => {};
  const step = (timeLeft: () => number) => {
    // A look at the clock costs more than an entry: check it every 50.
    while (next < entries.length && timeLeft() > 1) {
      for (const end = Math.min(next + 50, entries.length); next < end; next++) haystack(entries[next]!);
    }
    if (next < entries.length) cancel = idle(step);
  };
  cancel = idle(step);
  return () => cancel();
}

export function countInvalid(entries: Iterable<Entry>): number {
  let n = 0;
  for (const e of entries) if (e.invalid) n++;
  return n;
}
