'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { browserPresenceReporter } from './browser-presence';
import { useLive } from './live-provider';
import type { PresenceReporter } from './presence-reporter';

const PresenceContext = createContext<PresenceReporter | null>(null);

/** Reports this tab's presence while someone is signed in, at the interval the live channel announces. */
export function PresenceProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const [reporter] = useState(browserPresenceReporter);
  useEffect(() => {
    if (!enabled) return;
    reporter.start();
    return () => reporter.stop();
  }, [enabled, reporter]);
  const intervalMs = useLive((s) => s.intervalMs);
  useEffect(() => {
    if (intervalMs !== undefined) reporter.setInterval(intervalMs);
  }, [intervalMs, reporter]);
  return <PresenceContext.Provider value={reporter}>{children}</PresenceContext.Provider>;
}

/**
 * Reports that this tab shows `key` (and whether it holds unsaved edits there) while the calling
 * component is mounted; a page that reports nothing is on no pipe.
 */
export function useReportPresence(key: string | null, editing: boolean): void {
  const reporter = useContext(PresenceContext);
  useEffect(() => {
    if (!reporter) return;
    reporter.report(key, editing);
    // Leaving: the next page reports its own pipe in the same turn, which makes one post of both.
    return () => reporter.report(null, false);
  }, [editing, key, reporter]);
}
