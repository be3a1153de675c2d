'use client';

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { initialLiveState, type LiveState } from '@/lib/live/reducer';
import { LiveStore } from './live-store';

const LiveContext = createContext<LiveStore | null>(null);

/** Holds the tab's one live connection; every component below shares it. */
export function LiveProvider({ enabled = true, children }: { enabled?: boolean; children: ReactNode }) {
  const [store] = useState(() => new LiveStore());
  useEffect(() => (enabled ? store.retain() : undefined), [enabled, store]);
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

/**
 * Reads a slice of the live state. The selector must return a part of the state (or a
 * primitive), not a new object, or React would re-render forever.
 */
export function useLive<T>(select: (state: LiveState) => T): T {
  const store = useContext(LiveContext);
  if (!store) throw new Error('useLive must be used inside <LiveProvider>');
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(initialLiveState),
  );
}
