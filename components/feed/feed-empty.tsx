/** The archive holds no change and none has arrived since. */
export function Waiting() {
  return (
    <div className="flex items-start gap-3 rounded-md border border-dashed border-zinc-300 px-6 py-10 text-sm dark:border-zinc-700">
      <span aria-hidden className="mt-1.5 size-2 shrink-0 animate-pulse rounded-full bg-teal-500 motion-reduce:animate-none" />
      <div>
        <p className="font-medium">Waiting for changes…</p>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">
          Changes made by anyone — here, through the API or straight into the bucket — appear here as they happen.
        </p>
      </div>
    </div>
  );
}

/** Changes arrived, but the filter hides them all. */
export function NoMatch({ onClear }: { onClear: () => void }) {
  return (
    <div className="rounded-md border border-dashed border-zinc-300 px-6 py-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
      No change matches the filter.{' '}
      <button
        type="button"
        onClick={onClear}
        className="rounded-sm text-teal-700 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:text-teal-400"
      >
        Clear the filter
      </button>
    </div>
  );
}
