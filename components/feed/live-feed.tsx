'use client';

import { useDeferredValue, useState } from 'react';
import { useLive } from '@/components/live/live-provider';
import { Button } from '@/components/ui/button';
import { RECENT_LIMIT, type ReceivedChange } from '@/lib/live/reducer';
import { allOperations, arrivedSince, filterFeed, isFiltering, newChangesLabel, type FeedFilter } from './feed-filter';
import { NoMatch, Waiting } from './feed-empty';
import { FeedRow } from './feed-row';
import { FeedToolbar } from './feed-toolbar';

// time · operation · key · revision · actor · fields · toggle; every row shares these (subgrid).
const COLUMNS = 'sm:grid-cols-[auto_auto_fit-content(22rem)_auto_auto_minmax(0,1fr)_auto]';
// Rows in the page at first, more on request: every arrival re-lays out the whole grid.
const PAGE = 100;
const noFilter: FeedFilter = { key: '', operations: allOperations };

/** Every change this tab receives, newest first; filterable, and frozen while paused. */
export function LiveFeed() {
  // Deferred: a burst of arrivals renders once the browser is free, not once per change.
  const recent = useDeferredValue(useLive((s) => s.recent));
  const [filter, setFilter] = useState(noFilter);
  const [frozen, setFrozen] = useState<readonly ReceivedChange[] | null>(null);
  const [limit, setLimit] = useState(PAGE);
  // Rows that arrive while the feed is open flash once; those already there when it opened do not.
  const [openedAt] = useState(Date.now);

  const shown = frozen ?? recent;
  const rows = filterFeed(shown, filter);
  const pending = frozen ? arrivedSince(recent, frozen[0]) : undefined;
  const older = rows.length - limit;

  return (
    <>
      <FeedToolbar
        filter={filter}
        onFilter={setFilter}
        paused={frozen !== null}
        onPause={() => setFrozen(recent)}
        onResume={() => setFrozen(null)}
        pending={pending && pendingText(pending.items, pending.overflow, filter)}
      />
      <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
        Changes received since this tab opened, newest first (the latest {RECENT_LIMIT}).
        {rows.length !== shown.length && rows.length > 0 && ` ${rows.length} of ${shown.length} match the filter.`}
      </p>
      {rows.length === 0 ? (
        shown.length > 0 ? (
          <NoMatch onClear={() => setFilter(noFilter)} />
        ) : (
          <Waiting />
        )
      ) : (
        <ol aria-label="Changes" className={`rounded-md border border-zinc-200 sm:grid sm:gap-x-3 dark:border-zinc-800 ${COLUMNS}`}>
          {rows.slice(0, limit).map((item) => (
            <FeedRow key={`${item.change.revision}:${item.change.key}:${item.receivedAt}`} item={item} fresh={item.receivedAt > openedAt} />
          ))}
        </ol>
      )}
      {older > 0 && (
        <div className="mt-3 flex flex-wrap items-center gap-3 text-sm text-zinc-500 dark:text-zinc-400">
          <Button onClick={() => setLimit(limit + PAGE)}>Show {Math.min(PAGE, older)} older</Button>
          {older} older {older === 1 ? 'change' : 'changes'} not shown
        </div>
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
