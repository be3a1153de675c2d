'use client';

import { useCallback, useEffect, useState } from 'react';
import { useLive } from '@/components/live/live-provider';
import type { ArchivedChange } from '@/lib/pipes/entry';
import { fetchHistory } from './history-api';
import { mergeHistory } from './history-model';

type Loaded = { history: ArchivedChange[]; next: string | null; olderLoaded: boolean; loaded: boolean; error: string | undefined };

const EMPTY: Loaded = { history: [], next: null, olderLoaded: false, loaded: false, error: undefined };

/**
 * A pipe's history while the panel is mounted: the newest page, again whenever a change of the
 * key arrives live, and older pages on demand, all folded into one list.
 */
export function usePipeHistory(key: string) {
  const [state, setState] = useState(EMPTY);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // null: the key is deleted; each put or delete changes it, so the list refreshes on it.
  const liveRevision = useLive((s) => s.pipes.get(key)?.revision ?? null);

  useEffect(() => {
    let stale = false;
    void fetchHistory(key).then((result) => {
      if (stale) return;
      setState((s) =>
        result.ok
          ? {
              ...s,
              history: mergeHistory(s.history, result.page.history),
              // Once older pages are in, their cursor is the one that goes further back.
              next: s.olderLoaded ? s.next : result.page.next,
              loaded: true,
              error: undefined,
            }
          : { ...s, loaded: true, error: result.message },
      );
    });
    return () => {
      stale = true;
    };
  }, [key, liveRevision]);

  const { next } = state;
  const loadOlder = useCallback(async () => {
    if (next === null) return;
    setLoadingOlder(true);
    const result = await fetchHistory(key, next);
    setLoadingOlder(false);
    setState((s) =>
      result.ok
        ? { ...s, history: mergeHistory(s.history, result.page.history), next: result.page.next, olderLoaded: true, error: undefined }
        : { ...s, error: result.message },
    );
  }, [key, next]);

  return { ...state, loadingOlder, loadOlder };
}
