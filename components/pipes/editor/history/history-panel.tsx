'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ArchivedChange, Entry } from '@/lib/pipes/entry';
import { comparedPair, revertPlan, toggleCompare } from './history-model';
import { HistoryRow } from './history-row';
import { RevisionCompare } from './revision-compare';
import { usePipeHistory } from './use-pipe-history';

type Props = {
  pipeKey: string;
  /** The entry the editor has: reverts are compare-and-set against it. */
  current: Entry | null;
  canWrite: boolean;
  /** Why a revert cannot start now (unsaved edits, a write in flight), if it cannot. */
  revertBlockedWhy: string | undefined;
  onRevert: (change: ArchivedChange) => void;
  onClose: () => void;
};

/** Every revision of the pipe the bucket or the archive still holds, newest first. */
export function HistoryPanel({ pipeKey, current, canWrite, revertBlockedWhy, onRevert, onClose }: Props) {
  const titleId = useId();
  const { history, next, loaded, error, loadingOlder, loadOlder } = usePipeHistory(pipeKey);
  const [picked, setPicked] = useState<number[]>([]);
  const [opened, setOpened] = useState<number>();
  const pair = comparedPair(history, picked);
  return (
    <section id="pipe-history" aria-labelledby={titleId} className="space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex items-center gap-3">
        <h2 id={titleId} className="font-medium">
          History
        </h2>
        <p className="text-xs text-zinc-500">newest first · tick two revisions to compare them</p>
        <Button variant="ghost" className="ml-auto" onClick={onClose}>
          Close history
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {!loaded && <p className="text-sm text-zinc-500">Loading history…</p>}
      {loaded && history.length === 0 && !error && <p className="text-sm text-zinc-500">No revisions are known.</p>}
      <ol className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {history.map((change) => {
          const plan = canWrite ? revertPlan(change, current) : undefined;
          return (
            <HistoryRow
              key={change.revision}
              change={change}
              isCurrent={change.revision === current?.revision}
              picked={picked.includes(change.revision)}
              onPick={() => setPicked((p) => toggleCompare(p, change.revision))}
              opened={opened === change.revision}
              onOpen={() => setOpened((r) => (r === change.revision ? undefined : change.revision))}
              revert={plan && { onRevert: () => onRevert(change), disabledWhy: revertBlockedWhy }}
            />
          );
        })}
      </ol>
      {next !== null && (
        <Button onClick={() => void loadOlder()} disabled={loadingOlder}>
          {loadingOlder ? 'Loading…' : 'Load older'}
        </Button>
      )}
      {pair && <RevisionCompare older={pair[0]} newer={pair[1]} />}
    </section>
  );
}
