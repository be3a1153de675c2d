import { FieldDiff } from '@/components/pipes/field-diff';
import { diffPipes } from '@/lib/pipes/diff';
import type { ArchivedChange } from '@/lib/pipes/entry';
import { pipeOf } from './history-model';

/** What changed from the older ticked revision to the newer one, as the conflict banner shows it. */
export function RevisionCompare({ older, newer }: { older: ArchivedChange; newer: ArchivedChange }) {
  const invalid = [older, newer].find((change) => change.operation === 'PUT' && !change.value);
  return (
    <section aria-label={`Changes from r${older.revision} to r${newer.revision}`} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <h3 className="mb-2 text-sm font-medium">
        Changes from r{older.revision} to r{newer.revision}
      </h3>
      {invalid ? (
        <p className="text-sm">
          r{invalid.revision} is not a valid pipe ({invalid.operation === 'PUT' && invalid.invalid?.message}), so there are no fields to compare.
        </p>
      ) : (
        <FieldDiff changes={diffPipes(pipeOf(older), pipeOf(newer))} empty="The two revisions hold the same pipe." />
      )}
    </section>
  );
}
