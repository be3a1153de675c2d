'use client';

import { useDeferredValue, useEffect, useState, useSyncExternalStore } from 'react';
import { useLive } from '@/components/live/live-provider';
import { fetchChanges } from './archive-api';
import { initialFeedState, type FeedState } from './feed-state';
import { FeedStore } from './feed-store';

/** The feed's rows and the archive's progress; `store` for Load older and Try again. */
export function useFeed(): { state: FeedState; store: FeedStore } {
  const [store] = useState(() => new FeedStore(fetchChanges));
  // Deferred together: a burst of arrivals is taken in once the browser is free, not per change.
  const recent = useDeferredValue(useLive((s) => s.recent));
  const synced = useDeferredValue(useLive((s) => s.synced));
  const revision = useDeferredValue(useLive((s) => s.revision));
  useEffect(() => store.start(), [store]);
  useEffect(() => store.setLive({ recent, synced, revision }), [store, recent, synced, revision]);
  const state = useSyncExternalStore(store.subscribe, store.getState, () => initialFeedState);
  return { state, store };
}
