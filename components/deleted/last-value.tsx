import type { Entry } from '@/lib/pipes/entry';

const pre =
  'mt-2 max-h-72 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-900';

/** The value the pipe had before it was deleted, collapsed: its SQL, or the stored text when invalid. Always text. */
export function LastValue({ entry }: { entry: Entry }) {
  const { value } = entry;
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer rounded-sm text-zinc-600 select-none hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:text-zinc-400 dark:hover:text-zinc-100">
        Last value (revision {entry.revision})
      </summary>
      {value === null ? (
        <>
          <p className="mt-2 text-red-700 dark:text-red-400">Not a valid pipe{entry.invalid ? `: ${entry.invalid.message}` : ''}.</p>
          {entry.raw !== undefined && <pre className={pre}>{entry.raw}</pre>}
        </>
      ) : (
        <>
          {value.description && <p className="mt-2 text-zinc-600 dark:text-zinc-400">{value.description}</p>}
          <pre aria-label={`SQL of ${entry.key}`} className={pre}>
            {value.sql}
          </pre>
        </>
      )}
    </details>
  );
}
