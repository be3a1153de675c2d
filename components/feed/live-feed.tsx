'use client';

import { useDeferredValue, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useLive } from '@/components/live/live-provider';
import { RECENT_LIMIT, type ReceivedChange } from '@/lib/live/reducer';
import { allOperations, arrivedSince, filterFeed, isFiltering, newChangesLabel, type FeedFilter } from './feed-filter';
import { FeedRow } from './feed-row';
import { FeedToolbar } from './feed-toolbar';

// time · operation · key · revision · actor · fields · toggle; every row shares these (subgrid).
const COLUMNS = 'sm:grid-cols-[auto_auto_fit-content(22rem)_auto_auto_minmax(0,1fr)_auto]';

const noFilter: FeedFilter = { key: '', operations: allOperations };

// Rows in the page at first; the rest on request (500 grid rows make every arrival re-lay out).
const PAGE = 100;

/** Every change this tab receives, newest first; filterable, and frozen while paused. */
export function LiveFeed() {
  // Deferred: a burst of arrivals renders once the browser is free, not once per change.
  const recent = useDeferredValue(useLive((s) => s.recent));
  const [filter, setFilter] = useState(noFilter);
  const [limit, setLimit] = useState(PAGE);
  const [frozen, setFrozen] = useState<readonly ReceivedChange[] | null>(null);
  // Rows that arrive while the feed is open flash once; those already there when it opened do not.
  const [openedAt] = useState(Date.now);

  const shown = frozen ?? recent;
  const rows = filterFeed(shown, filter);
  const pending = frozen ? arrivedSince(recent, frozen[0]) : undefined;
  const pendingLabel = pending && pendingText(pending.items, pending.overflow, filter);

  return (
    <>
      <FeedToolbar filter={filter} onFilter={setFilter} paused={frozen !== null} onPause={() => setFrozen(recent)} onResume={() => setFrozen(null)} pending={pendingLabel} />
      <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
        Changes received since this tab opened, newest first (the latest {RECENT_LIMIT}).{' '}
        {shown.length > 0 && rows.length !== shown.length && `${rows.length} of ${shown.length} shown.`}
      </p>
      {rows.length > 0 ? (
        <ol aria-label="Changes" className={`rounded-md border border-zinc-200 sm:grid sm:gap-x-3 dark:border-zinc-800 ${COLUMNS}`}>
          {rows.slice(0, limit).map((item) => (
            <FeedRow key={`${item.change.revision}:${item.change.key}:${item.receivedAt}`} item={item} fresh={item.receivedAt > openedAt} />
          ))}
        </ol>
      ) : shown.length > 0 ? (
        <div className="rounded-md border border-dashed border-zinc-300 px-6 py-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
          No change matches the filter.{' '}
          <button type="button" onClick={() => setFilter(noFilter)} className="rounded-sm text-teal-700 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:text-teal-400">
            Clear the filter
          </button>
        </div>
      ) : (
        <Waiting />
      )}
    </>
  );
}

function pendingText(items: readonly ReceivedChange[], overflow: boolean, filter: FeedFilter): string {
  const all = newChangesLabel(items.length, overflow);
  if (!isFiltering(filter)) return all;
  const matching = filterFeed(items, filter).length;
  return matching === items.length ? all : `${all}, ${matching} matching the filter`;
}

function Waiting() {
  return (
    <div className="flex items-start gap-3 rounded-md border border-dashed border-zinc-300 px-6 py-10 text-sm dark:border-zinc-700">
      <span aria-hidden className="mt-1.5 size-2 shrink-0 animate-pulse rounded-full bg-teal-500 motion-reduce:animate-none" />
      <div>
        <p className="font-medium">Waiting for changes…</p>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">Changes made by anyone — here, through the API or straight into the bucket — appear here as they happen.</p>
      </div>
    </div>
  );
}
