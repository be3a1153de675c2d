'use client';

import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useLive } from '@/components/live/live-provider';
import { nextExpiry, rowMarks, type RowMark } from './row-marks';

/**
 * The live marks of the list's rows. `now` only moves when a mark expires: the timer always
 * waits for the soonest expiry, so every mark whose time has passed is gone, and nothing ticks
 * while no row is marked.
 */
export function useRowMarks(): ReadonlyMap<string, RowMark> {
  const recent = useDeferredValue(useLive((s) => s.recent));
  const [now, setNow] = useState(Date.now);
  const marks = useMemo(() => rowMarks(recent, now), [recent, now]);
  useEffect(() => {
    const expiry = nextExpiry(marks);
    if (expiry === undefined) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, expiry - Date.now()));
    return () => clearTimeout(timer);
  }, [marks]);
  return marks;
}
