'use client';

import { useDeferredValue, useEffect, useMemo } from 'react';
import { useLive } from '@/components/live/live-provider';
import { EmptyState, NoMatches } from './list/empty-state';
import { ListSkeleton, RowsSkeleton } from './list/list-skeleton';
import { ListToolbar } from './list/list-toolbar';
import { whenIdle } from './list/idle';
import { countInvalid, filterPipes, sortPipes, warmSearchIndex, type SortKey } from './list/list-query';
import { previewFits, type ListPreview } from './list/list-preview';
import { deletedRows } from './list/row-marks';
import { useListParams } from './list/use-list-params';
import { useRowMarks } from './list/use-row-marks';
import { PipeTable } from './pipe-table';

/**
 * The pipe list, kept current by the tab's live connection: searchable, sortable, marked. Until
 * the tab has its snapshot it shows the server's first screen (`preview`) for the same search
 * and sort, or a skeleton.
 */
export function LivePipeList({ initial, preview }: { initial: { query: string; sort: SortKey }; preview?: ListPreview }) {
  // Deferred, all three together: a burst of changes (one render each) costs one re-sort when
  // the browser is free, not one per change, and never holds up typing.
  const synced = useDeferredValue(useLive((s) => s.synced));
  const pipes = useDeferredValue(useLive((s) => s.pipes));
  const revision = useDeferredValue(useLive((s) => s.revision));
  const marks = useRowMarks();
  const { query, setQuery, sort, setSort } = useListParams(initial);
  // Typing stays responsive: the input updates at once, the filtered list right after.
  const deferredQuery = useDeferredValue(query);

  const sorted = useMemo(() => sortPipes(pipes.values(), sort), [pipes, sort]);
  // The first keystroke would otherwise lower-case every pipe's SQL at once.
  useEffect(() => warmSearchIndex(sorted, whenIdle), [sorted]);
  const ghosts = useMemo(() => deletedRows(marks, pipes), [marks, pipes]);
  // Deleted pipes stay in place for a moment; few, so re-sorting the merged list is cheap.
  const rows = useMemo(() => (ghosts.length === 0 ? sorted : sortPipes([...sorted, ...ghosts], sort)), [sorted, ghosts, sort]);
  const visible = useMemo(() => filterPipes(rows, deferredQuery), [rows, deferredQuery]);
  const invalid = useMemo(() => countInvalid(pipes.values()), [pipes]);
  const shown = visible.length - (ghosts.length === 0 ? 0 : visible.filter((e) => !pipes.has(e.key)).length);

  if (!synced) {
    if (!preview || preview.total === 0) return <ListSkeleton />;
    // Another search or sort than the server's waits for the whole list, the box kept in place.
    const fits = previewFits(preview, query, sort);
    return (
      <>
        <ListToolbar query={query} onQuery={setQuery} sort={sort} onSort={setSort} shown={fits ? preview.matching : undefined} total={preview.total} invalid={preview.invalid} revision={preview.revision} />
        {!fits ? <RowsSkeleton /> : preview.rows.length === 0 ? <NoMatches query={query} onClear={() => setQuery('')} /> : <PipeTable rows={preview.rows} marks={marks} />}
      </>
    );
  }
  if (pipes.size === 0 && ghosts.length === 0) {
    return (
      <>
        <p className="mb-3 text-sm text-zinc-500 dark:text-zinc-400">0 pipes · revision {revision}</p>
        <EmptyState />
      </>
    );
  }
  return (
    <>
      <ListToolbar query={query} onQuery={setQuery} sort={sort} onSort={setSort} shown={shown} total={pipes.size} invalid={invalid} revision={revision} />
      {visible.length === 0 ? <NoMatches query={deferredQuery} onClear={() => setQuery('')} /> : <PipeTable rows={visible} marks={marks} />}
    </>
  );
}
