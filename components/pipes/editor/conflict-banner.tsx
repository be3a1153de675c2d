'use client';

import { diffPipes } from '@/lib/pipes/diff';
import type { Entry } from '@/lib/pipes/entry';
import type { Pipe } from '@/lib/pipes/schema';
import { Button } from '@/components/ui/button';
import { FieldDiff } from '@/components/pipes/field-diff';

type Props = {
  newer: Entry;
  /** The version my edits started from: the diff shows what the other writer changed. */
  base: Pipe | null;
  /** My edits can be saved as they are (the form parses). */
  canKeepMine: boolean;
  onTakeTheirs: () => void;
  onKeepMine: () => void;
  onMerge: () => void;
  busy: boolean;
};

/** "A newer version exists": what they changed compared with my edits, and the three ways out. */
export function ConflictBanner({ newer, base, canKeepMine, onTakeTheirs, onKeepMine, onMerge, busy }: Props) {
  const who = newer.actor ?? 'another writer (external)';
  return (
    <section role="alert" aria-label="Newer version" className="rounded-md border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/40">
      <h2 className="font-medium text-amber-900 dark:text-amber-200">
        A newer version (revision {newer.revision}) exists, saved by {who}. Your unsaved edits are kept.
      </h2>
      <p className="mt-1 text-sm text-amber-900/80 dark:text-amber-200/80">What they changed since your edits started:</p>
      <div className="mt-3 max-h-80 overflow-auto rounded bg-white p-3 dark:bg-zinc-950">
        {newer.value ? (
          <FieldDiff changes={diffPipes(base, newer.value)} empty="Nothing that the editor shows changed." />
        ) : (
          <p className="text-sm">The newer value is invalid: {newer.invalid?.message}</p>
        )}
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button onClick={onTakeTheirs} disabled={busy}>
          Take theirs
        </Button>
        <Button onClick={onKeepMine} disabled={busy || !canKeepMine}>
          Keep mine
        </Button>
        <Button variant="primary" onClick={onMerge} disabled={busy || !canKeepMine || !newer.value}>
          Merge
        </Button>
      </div>
      <p className="mt-2 text-xs text-amber-900/70 dark:text-amber-200/70">
        Take theirs drops your edits · Keep mine saves your version over revision {newer.revision} · Merge combines both and lets you check before saving.
      </p>
    </section>
  );
}
