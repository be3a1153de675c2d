'use client';

import { useMemo, useState } from 'react';
import { filterFeed, isFiltering, newChangesLabel, noFilter, pausedView, type FeedFilter } from './feed-filter';
import { NoMatch, Waiting } from './feed-empty';
import { FeedFooter } from './feed-footer';
import { FeedRow } from './feed-row';
import type { FeedItem } from './feed-rows';
import { FeedStatus } from './feed-status';
import { FeedToolbar } from './feed-toolbar';
import { useFeed } from './use-feed';

// time · operation · key · revision · actor · fields and note · toggle; every row shares these (subgrid).
const COLUMNS = 'sm:grid-cols-[auto_auto_fit-content(22rem)_auto_auto_minmax(0,1fr)_auto]';
// Rows in the page at first, more on request: every arrival re-lays out the whole grid.
const PAGE = 100;

/** The archive's latest changes, then every change as it arrives, newest first; filterable, frozen while paused. */
export function LiveFeed() {
  const { state, store } = useFeed();
  const [filter, setFilter] = useState(noFilter);
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const [limit, setLimit] = useState(PAGE);
  // Rows that arrive while the feed is open flash once; those already there when it opened do not.
  const [openedAt] = useState(Date.now);

  const { shown, pending } = useMemo(() => pausedView(state.items, pausedAt), [state.items, pausedAt]);
  const rows = useMemo(() => filterFeed(shown, filter), [shown, filter]);
  const hidden = Math.max(0, rows.length - limit);

  const loadOlder = () => {
    setLimit(limit + PAGE);
    if (rows.length < limit + PAGE) store.loadOlder();
  };

  return (
    <>
      <FeedToolbar
        filter={filter}
        onFilter={setFilter}
        paused={pausedAt !== null}
        onPause={() => setPausedAt(state.items[0]?.change.revision ?? 0)}
        onResume={() => setPausedAt(null)}
        pending={pendingText(pending, filter)}
      />
      <FeedStatus state={state} matching={rows.length} total={shown.length} onRetry={() => store.retry()} />
      {rows.length === 0 ? (
        shown.length > 0 ? (
          <NoMatch onClear={() => setFilter(noFilter)} />
        ) : (
          state.latest !== 'loading' && <Waiting />
        )
      ) : (
        <ol aria-label="Changes" className={`rounded-md border border-zinc-200 sm:grid sm:gap-x-3 dark:border-zinc-800 ${COLUMNS}`}>
          {rows.slice(0, limit).map((item) => (
            // One row per revision: a live change that the archive had listed first keeps its row.
            <FeedRow key={item.change.revision} item={item} fresh={item.receivedAt > openedAt} />
          ))}
        </ol>
      )}
      <FeedFooter state={state} hidden={hidden} onLoadOlder={loadOlder} />
    </>
  );
}

function pendingText(items: readonly FeedItem[], filter: FeedFilter): string {
  const all = newChangesLabel(items.length);
  if (!isFiltering(filter)) return all;
  const matching = filterFeed(items, filter).length;
  return matching === items.length ? all : `${all}, ${matching} matching the filter`;
}
