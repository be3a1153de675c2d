import Link from 'next/link';

const code = 'rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200';

/** The bucket holds no pipe: the three ways to add one. */
export function EmptyState() {
  return (
    <div className="rounded-md border border-dashed border-zinc-300 px-6 py-10 text-sm dark:border-zinc-700">
      <h2 className="text-base font-semibold">No pipes yet</h2>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">Pipes written by anyone — here, through the API or straight into the bucket — appear on this list as they arrive.</p>
      <Link
        href="/pipes/new"
        className="mt-4 inline-flex items-center rounded-md bg-teal-700 px-3 py-1.5 font-medium text-white hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:bg-teal-600 dark:hover:bg-teal-500"
      >
        New pipe
      </Link>
      <p className="mt-5 text-zinc-600 dark:text-zinc-400">Or from outside the console:</p>
      <ul className="mt-2 list-disc space-y-2 pl-5 text-zinc-700 marker:text-zinc-400 dark:text-zinc-300">
        <li>
          <code className={code}>PUT /api/pipes/&lt;name&gt;</code> with the header <code className={code}>If-None-Match: *</code> and a JSON body such as{' '}
          <code className={code}>{'{"sql": "SELECT 1"}'}</code>
        </li>
        <li>
          a <code className={code}>&lt;name&gt;.sql</code> file in <code className={code}>PIPES_DIR</code>, read when the console starts
        </li>
      </ul>
    </div>
  );
}

/** The search matched nothing. */
export function NoMatches({ query, onClear }: { query: string; onClear: () => void }) {
  return (
    <div className="rounded-md border border-dashed border-zinc-300 px-6 py-8 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
      No pipe matches <span className="font-medium text-zinc-900 dark:text-zinc-100">“{query.trim()}”</span> in its name, description or SQL.{' '}
      <button type="button" onClick={onClear} className="rounded-sm text-teal-700 underline hover:text-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:text-teal-400">
        Clear the search
      </button>
    </div>
  );
}
