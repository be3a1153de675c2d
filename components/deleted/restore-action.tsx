'use client';

import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { recreatedMessage, type RestoreOutcome } from './restore';

const link =
  'rounded-sm font-medium text-teal-800 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:text-teal-300';

/** Restore, and what came of it: a link to the restored pipe, or why nothing was written. */
export function RestoreAction({
  pipeKey,
  canRestore,
  busy,
  outcome,
  onRestore,
}: {
  pipeKey: string;
  /** Why not, when it cannot be restored from here. */
  canRestore: true | string;
  busy: boolean;
  outcome: RestoreOutcome | undefined;
  onRestore: () => void;
}) {
  const editor = `/pipes/${encodeURIComponent(pipeKey)}`;
  if (outcome?.kind === 'restored') {
    return (
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        Restored{outcome.revision !== undefined && ` as revision ${outcome.revision}`}.{' '}
        <Link href={editor} className={link}>
          Open {pipeKey} in the editor
        </Link>
      </p>
    );
  }
  if (outcome?.kind === 'recreated') {
    return (
      <p role="alert" className="text-sm text-amber-800 dark:text-amber-300">
        {recreatedMessage(pipeKey)}{' '}
        <Link href={editor} className={link}>
          See the pipe as it is now
        </Link>
      </p>
    );
  }
  if (canRestore !== true) return <p className="text-xs text-zinc-500">{canRestore}</p>;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="primary" onClick={onRestore} disabled={busy}>
        {busy ? 'Restoring…' : 'Restore'}
      </Button>
      {outcome?.kind === 'failed' && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Restore failed: {outcome.message}.
        </p>
      )}
    </div>
  );
}
