'use client';

import { useEffect, useState } from 'react';
import type { SortKey } from './list-query';

/**
 * The search and sort, kept in the address (?q=…&sort=…) so that going back from a pipe, a
 * reload or a shared link shows the same list. The page reads them from the address it was
 * rendered for (`initial`: no Suspense boundary for useSearchParams, which would hold back the
 * server's first screen); written with replaceState, debounced: typing adds no history entries
 * and never waits for the router.
 */
export function useListParams(initial: { query: string; sort: SortKey }): {
  query: string;
  setQuery: (q: string) => void;
  sort: SortKey;
  setSort: (s: SortKey) => void;
} {
  const [query, setQuery] = useState(initial.query);
  const [sort, setSort] = useState<SortKey>(initial.sort);
  useEffect(() => {
    const timer = setTimeout(() => {
      const url = new URL(window.location.href);
      setParam(url, 'q', query.trim());
      setParam(url, 'sort', sort === 'name' ? '' : sort);
      if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url);
    }, 300);
    return () => clearTimeout(timer);
  }, [query, sort]);
  return { query, setQuery, sort, setSort };
}

function setParam(url: URL, name: string, value: string): void {
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
}
