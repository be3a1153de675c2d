'use client';

import { useMemo } from 'react';
import { useLive } from '@/components/live/live-provider';
import { sortedPipes } from '@/lib/live/reducer';
import { PipeTable } from './pipe-table';

/** The pipe list, kept current by the tab's live connection. */
export function LivePipeList() {
  const synced = useLive((s) => s.synced);
  const pipes = useLive((s) => s.pipes);
  const revision = useLive((s) => s.revision);
  const rows = useMemo(() => sortedPipes(pipes), [pipes]);
  if (!synced) return <ListSkeleton />;
  return (
    <>
      <p className="mb-3 text-sm text-zinc-500">
        {rows.length} pipes · revision {revision}
      </p>
      <PipeTable pipes={rows} />
    </>
  );
}

function ListSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading pipes" className="space-y-2">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="h-8 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
      ))}
    </div>
  );
}
