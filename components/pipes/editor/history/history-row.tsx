'use client';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { ArchivedChange } from '@/lib/pipes/entry';
import { revisionTime } from './history-model';
import { RevisionView } from './revision-view';

type Props = {
  change: ArchivedChange;
  /** The revision the editor has. */
  isCurrent: boolean;
  picked: boolean;
  onPick: () => void;
  opened: boolean;
  onOpen: () => void;
  /** Absent when this revision cannot be reverted to, or the user may not write. */
  revert?: { onRevert: () => void; disabledWhy: string | undefined };
};

/** One revision: who, when, why, where it is still kept, and what can be done with it. */
export function HistoryRow({ change, isCurrent, picked, onPick, opened, onOpen, revert }: Props) {
  const r = `r${change.revision}`;
  return (
    <li data-revision={change.revision} className="py-2">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <input type="checkbox" className="size-4" aria-label={`Compare ${r}`} checked={picked} onChange={onPick} />
        <span className="font-mono font-medium">{r}</span>
        <time dateTime={change.updated} className="text-zinc-600 tabular-nums dark:text-zinc-400">
          {revisionTime(change.updated)}
        </time>
        <span data-testid="actor">{change.actor}</span>
        {change.operation !== 'PUT' && <Badge tone="red">{change.operation === 'PURGE' ? 'purged' : 'deleted'}</Badge>}
        {change.operation === 'PUT' && !change.value && <Badge tone="red">invalid</Badge>}
        {change.source === 'archive' && (
          <Badge tone="amber" title="The bucket no longer keeps this revision; the change archive does.">
            archive only
          </Badge>
        )}
        {isCurrent && <Badge tone="green">current</Badge>}
        <span className="ml-auto flex gap-1">
          <Button variant="ghost" aria-label={`${opened ? 'Hide' : 'Open'} ${r}`} aria-expanded={opened} onClick={onOpen}>
            {opened ? 'Hide' : 'Open'}
          </Button>
          {revert && (
            <Button onClick={revert.onRevert} disabled={revert.disabledWhy !== undefined} title={revert.disabledWhy}>
              Revert to revision {change.revision}
            </Button>
          )}
        </span>
      </div>
      {change.note && <p className="mt-1 pl-7 text-sm break-words text-zinc-700 italic dark:text-zinc-300">{change.note}</p>}
      {opened && <RevisionView change={change} />}
    </li>
  );
}
