'use client';

import { useState } from 'react';
import { useSessionUser } from '@/components/auth/session-context';
import { OperationBadge } from '@/components/feed/operation-badge';
import { clockTime } from '@/components/feed/time';
import { EXTERNAL } from '@/lib/pipes/entry';
import { restorePipe } from './deleted-api';
import { LastValue } from './last-value';
import { RestoreAction } from './restore-action';
import type { DeletedPipe, RestoreOutcome } from './restore';

/** One deleted pipe: when, by whom and why, its last value, and Restore. */
export function DeletedRow({ pipe }: { pipe: DeletedPipe }) {
  const user = useSessionUser();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<RestoreOutcome>();
  const external = !pipe.actor || pipe.actor === EXTERNAL;
  const canRestore =
    user?.role !== 'admin'
      ? 'Only an admin can restore it.'
      : pipe.last.value === null
        ? 'Its last value is not a valid pipe, so it cannot be restored here.'
        : true;

  const restore = async () => {
    setBusy(true);
    setOutcome(await restorePipe(pipe));
    setBusy(false);
  };

  return (
    <li
      data-key={pipe.key}
      data-state={outcome?.kind === 'restored' ? 'restored' : undefined}
      className="border-b border-zinc-100 px-4 py-3 last:border-0 data-[state=restored]:bg-emerald-50/60 dark:border-zinc-800/70 dark:data-[state=restored]:bg-emerald-950/30"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span className="min-w-0 truncate font-mono font-medium">{pipe.key}</span>
        <OperationBadge operation={pipe.operation} />
        <time dateTime={pipe.updated} title={pipe.updated} className="font-mono text-xs text-zinc-500 tabular-nums">
          {clockTime(pipe.updated)}
        </time>
        <span className={`text-xs ${external ? 'text-zinc-500 italic' : 'text-zinc-700 dark:text-zinc-300'}`}>
          {external ? 'external' : `by ${pipe.actor}`}
        </span>
        <span className="text-xs text-zinc-500 tabular-nums">rev {pipe.revision}</span>
      </div>
      {pipe.note ? (
        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">
          <span className="sr-only">Note: </span>
          <q>{pipe.note}</q>
        </p>
      ) : (
        <p className="mt-1 text-xs text-zinc-500">No note given.</p>
      )}
      <LastValue entry={pipe.last} />
      <div className="mt-3">
        <RestoreAction pipeKey={pipe.key} canRestore={canRestore} busy={busy} outcome={outcome} onRestore={() => void restore()} />
      </div>
    </li>
  );
}
