/** Stands in for the toolbar and the first rows until the live snapshot has arrived. */
export function ListSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading pipes" className="space-y-3">
      <div className="flex gap-3">
        <div className="h-8 max-w-md flex-1 animate-pulse rounded-md bg-zinc-100 dark:bg-zinc-900" />
        <div className="h-8 w-36 animate-pulse rounded-md bg-zinc-100 dark:bg-zinc-900" />
      </div>
      <SkeletonRows />
    </div>
  );
}

/** Stands in for the rows alone: under the server's toolbar, while a new search waits for the whole list. */
export function RowsSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading pipes">
      <SkeletonRows />
    </div>
  );
}

function SkeletonRows() {
  return (
    <div className="overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800">
      <div className="h-9 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="flex h-9 items-center gap-6 border-b border-zinc-100 px-3 last:border-0 dark:border-zinc-800/70">
          <div className="h-3 w-40 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
          <div className="h-3 flex-1 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
          <div className="h-3 w-10 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
        </div>
      ))}
    </div>
  );
}
