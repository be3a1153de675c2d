'use client';

import { Button } from '@/components/ui/button';
import type { FeedState } from './feed-state';

/** The line above the rows: what they are, how many match, and how the archive is doing. */
export function FeedStatus({
  state,
  matching,
  total,
  onRetry,
}: {
  state: FeedState;
  matching: number;
  total: number;
  onRetry: () => void;
}) {
  const { latest, missing } = state;
  return (
    <div className="mb-2 space-y-1 text-xs text-zinc-500 dark:text-zinc-400">
      <p>
        The latest changes, then each one as it happens, newest first.
        {matching !== total && matching > 0 && ` ${matching} of ${total} match the filter.`}
        {latest === 'loading' && ' Loading earlier changes…'}
      </p>
      {typeof latest === 'object' && (
        <div role="alert" className="flex flex-wrap items-center gap-3 text-red-700 dark:text-red-400">
          <span>Earlier changes could not be loaded: {latest.error}. Changes arriving now are still listed.</span>
          <Button onClick={onRetry}>Try again</Button>
        </div>
      )}
      {missing && (
        <p role="alert" className="text-amber-800 dark:text-amber-300">
          Changes after revision {missing.after} up to {missing.upTo} had not reached the archive yet, so some may be missing here; reload
          the page to fetch them.
        </p>
      )}
    </div>
  );
}
