import type { LintIssue } from '@/lib/pipes/lint';

/** Every lint finding in one list, errors first. */
export function LintList({ issues }: { issues: LintIssue[] }) {
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return (
    <section aria-labelledby="lint-title">
      <h2 id="lint-title" className="text-sm font-medium">
        Checks
      </h2>
      {sorted.length === 0 ? (
        <p className="mt-1 text-sm text-emerald-700 dark:text-emerald-400">No problems found.</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm" data-testid="lint-list">
          {sorted.map((issue, i) => (
            <li key={i} className={issue.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-800 dark:text-amber-300'}>
              <span className="font-medium">{issue.severity === 'error' ? 'Error' : 'Warning'}:</span> {issue.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
