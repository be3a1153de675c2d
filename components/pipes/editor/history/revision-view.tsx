import type { ArchivedChange } from '@/lib/pipes/entry';

const box = 'mt-1 max-h-60 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-900';

/** One revision as it was stored, read-only: every field as text, the SQL as written. */
export function RevisionView({ change }: { change: ArchivedChange }) {
  const label = `Revision r${change.revision}`;
  if (change.operation !== 'PUT') {
    return (
      <section aria-label={label} className="mt-2 text-sm">
        {change.operation === 'PURGE' ? 'Purged' : 'Deleted'}: nothing was stored at this revision.
      </section>
    );
  }
  if (!change.value) {
    return (
      <section aria-label={label} className="mt-2 text-sm">
        <p>Not a valid pipe: {change.invalid?.message}. The stored text:</p>
        <pre className={box}>{change.raw}</pre>
      </section>
    );
  }
  return (
    <section aria-label={label} className="mt-2">
      <dl className="space-y-2 text-sm">
        {Object.entries(change.value)
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => (
            <div key={field}>
              <dt className="font-mono text-xs font-medium text-zinc-600 dark:text-zinc-400">{field}</dt>
              <dd>
                <pre className={box}>{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>
              </dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
