'use client';

import { Button } from '@/components/ui/button';
import { MAX_ITEMS } from './feed-rows';
import type { FeedState } from './feed-state';

/** Below the rows: Load older (rows already here first, then the archive's next page), and why not. */
export function FeedFooter({ state, hidden, onLoadOlder }: { state: FeedState; hidden: number; onLoadOlder: () => void }) {
  const { older, next, truncated } = state;
  const loading = older === 'loading';
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3 text-sm text-zinc-500 dark:text-zinc-400">
      {(hidden > 0 || next !== null) && (
        <Button onClick={onLoadOlder} disabled={loading && hidden === 0}>
          {loading && hidden === 0 ? 'Loading older changes…' : 'Load older'}
        </Button>
      )}
      {typeof older === 'object' && (
        <span role="alert" className="text-red-700 dark:text-red-400">
          Older changes could not be loaded: {older.error}.
        </span>
      )}
      {truncated && hidden === 0 && <span>This page keeps the latest {MAX_ITEMS} changes; reload it to browse older ones.</span>}
    </div>
  );
}
