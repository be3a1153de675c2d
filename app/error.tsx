'use client';

export default function PageError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="rounded border border-red-300 p-4 text-sm dark:border-red-800">
      <p className="font-medium">The pipes could not be loaded.</p>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">{error.message}</p>
      <button type="button" onClick={reset} className="mt-3 rounded border px-3 py-1">
        Try again
      </button>
    </div>
  );
}
