import { PipeLink } from '@/components/pipes/pipe-link';
import { memo, type Ref } from 'react';
import { Badge } from '@/components/ui/badge';
import { EXTERNAL, type Entry } from '@/lib/pipes/entry';
import { firstLine, localDateTime } from './format';
import type { MarkKind } from './row-marks';
import { RowPresence } from './row-presence';

// A marked row lights up at once and fades back when its mark expires: a transition takes the
// after-change style's duration, so only unmarked rows carry one. (Fading in as well doubled the
// repaints after a burst of edits.)
const MARK_ROW: Record<MarkKind, string> = {
  new: 'bg-emerald-50 dark:bg-emerald-400/10',
  changed: 'bg-amber-50 dark:bg-amber-300/10',
  deleted: 'bg-red-50/70 text-zinc-400 dark:bg-red-400/5 dark:text-zinc-500',
};
const MARK_BADGE = { new: 'green', changed: 'amber', deleted: 'red' } as const;

/**
 * One pipe. The name links to the editor and its hit area covers the row; a deleted pipe keeps
 * its place, struck through, without a link (and as `data-deleted-key`: the key is gone).
 */
export const PipeRow = memo(function PipeRow({
  entry,
  mark,
  index,
  measureRef,
}: {
  entry: Entry;
  mark: MarkKind | undefined;
  index?: number;
  measureRef?: Ref<HTMLTableRowElement>;
}) {
  const deleted = mark === 'deleted';
  return (
    <tr
      ref={measureRef}
      data-index={index}
      data-key={deleted ? undefined : entry.key}
      data-deleted-key={deleted ? entry.key : undefined}
      data-mark={mark}
      className={`relative border-b border-zinc-100 last:border-b-0 dark:border-zinc-800/70 ${
        mark
          ? MARK_ROW[mark]
          : 'transition-colors duration-1000 hover:bg-zinc-50 hover:duration-150 motion-reduce:transition-none has-[a:focus-visible]:bg-zinc-50 dark:hover:bg-zinc-900 dark:has-[a:focus-visible]:bg-zinc-900'
      }`}
    >
      <td className="py-2 pr-3 pl-3">
        <div className="flex min-w-0 items-center gap-2">
          {deleted ? (
            <del className="truncate font-mono">{entry.key}</del>
          ) : (
            // after:inset-0 stretches the link over the whole row.
            <PipeLink pipeKey={entry.key} className="truncate after:absolute after:inset-0" />
          )}
          {mark && <Badge tone={MARK_BADGE[mark]}>{mark}</Badge>}
          <RowPresence pipeKey={entry.key} />
        </div>
        {/* Narrow screens have no description column: a second line instead. */}
        {entry.invalid ? (
          <span title={entry.invalid.message} className="mt-0.5 block text-xs text-red-700 sm:hidden dark:text-red-400">
            invalid
          </span>
        ) : (
          entry.value?.description && <span className="mt-0.5 block truncate text-xs text-zinc-500 sm:hidden">{entry.value.description}</span>
        )}
      </td>
      <td className="hidden truncate py-2 pr-3 text-zinc-600 sm:table-cell dark:text-zinc-400">
        {entry.invalid ? (
          <span title={entry.invalid.message} className="inline-block max-w-full truncate rounded bg-red-100 px-1.5 py-0.5 align-middle text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300">
            invalid: {entry.invalid.message}
          </span>
        ) : (
          (entry.value?.description ?? '')
        )}
      </td>
      <td className="hidden truncate py-2 pr-3 font-mono text-xs text-zinc-500 lg:table-cell">{firstLine(entry.value?.sql ?? entry.raw)}</td>
      <td className="py-2 pr-3 text-right text-zinc-500 tabular-nums">{entry.revision}</td>
      <td className="hidden py-2 pr-3 text-zinc-500 tabular-nums sm:table-cell">
        {/* The server's first screen has the server's time zone; the row renders again, in the
            viewer's, when the tab's own snapshot replaces the entry. */}
        <time dateTime={entry.updated} title={entry.updated} suppressHydrationWarning>
          {localDateTime(entry.updated)}
        </time>
        <span className="ml-2 text-xs text-zinc-400" title="changed by">
          {entry.actor ?? EXTERNAL}
        </span>
      </td>
    </tr>
  );
});
