'use client';

import { useEffect, useRef } from 'react';
import { SORTS, isSortKey, type SortKey } from './list-query';

const field =
  'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 placeholder:text-zinc-400 focus-visible:border-teal-600 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-teal-600/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500';

/**
 * Search box ("/" focuses it), sort, and how many pipes the list shows ("12 of 10000 pipes ·
 * revision 7 · 3 invalid"); `shown` undefined: not known yet (a search waiting for the list).
 */
export function ListToolbar({
  query,
  onQuery,
  sort,
  onSort,
  shown,
  total,
  invalid,
  revision,
}: {
  query: string;
  onQuery: (q: string) => void;
  sort: SortKey;
  onSort: (s: SortKey) => void;
  shown: number | undefined;
  total: number;
  invalid: number;
  revision: number;
}) {
  const search = useRef<HTMLInputElement>(null);
  // The box is in the server's page before React runs: what was typed into it meanwhile fired
  // no change event, and would be wiped at the next render. Take it as the search.
  useEffect(() => {
    const typed = search.current?.value;
    if (typed !== undefined && typed !== query) onQuery(typed);
    // Once, at hydration: later the box and `query` move together.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      search.current?.focus();
      search.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="mb-3 flex flex-wrap items-center gap-x-3 gap-y-2">
      <label className="relative min-w-0 flex-1 basis-64 sm:max-w-md">
        <span className="sr-only">Search</span>
        <input
          ref={search}
          type="search"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && query !== '' && (e.preventDefault(), onQuery(''))}
          placeholder="Search name, description, SQL"
          autoComplete="off"
          spellCheck={false}
          className={`${field} peer w-full placeholder-shown:pr-8`}
        />
        <kbd aria-hidden className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-zinc-300 px-1 font-mono text-[10px] leading-4 text-zinc-400 peer-focus:hidden peer-[:not(:placeholder-shown)]:hidden dark:border-zinc-700">
          /
        </kbd>
      </label>
      <label className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
        Sort
        <select value={sort} onChange={(e) => isSortKey(e.target.value) && onSort(e.target.value)} className={`${field} pr-1`}>
          {Object.entries(SORTS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <p className="text-sm text-zinc-500 tabular-nums sm:ml-auto dark:text-zinc-400">
        {shown !== undefined && shown !== total && `${shown} of `}
        <span>
          {total} pipes · revision {revision}
        </span>
        {invalid > 0 && (
          <>
            {' · '}
            <span className="text-red-700 dark:text-red-400">{invalid} invalid</span>
          </>
        )}
      </p>
      {/* Announced when the search changes the count, not on every revision. */}
      <p role="status" className="sr-only">
        {shown === undefined ? `searching ${total} pipes` : `${shown} of ${total} pipes`}
      </p>
    </div>
  );
}
