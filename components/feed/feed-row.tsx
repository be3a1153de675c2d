'use client';

import { PipeLink } from '@/components/pipes/pipe-link';
import { memo, useId, useState } from 'react';
import { FieldDiff } from '@/components/pipes/field-diff';
import type { FieldChange } from '@/lib/pipes/diff';
import { isDeleteMarker } from '@/lib/pipes/entry';
import { changeDiff, changeSummary } from './change-diff';
import { actorOf } from './feed-filter';
import type { FeedItem } from './feed-rows';
import { InvalidValue } from './invalid-value';
import { OperationBadge } from './operation-badge';
import { clockTime } from './time';

const NO_CHANGES: FieldChange[] = [];

/** One change: when, what, who and why, which fields; the diff against the previous value on demand. */
export const FeedRow = memo(function FeedRow({ item, fresh }: { item: FeedItem; fresh: boolean }) {
  const { change, previous } = item;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const changes = item.previousKnown ? changeDiff(item) : NO_CHANGES;
  const invalid = isDeleteMarker(change) ? undefined : change.invalid;
  const summary = changeSummary(item, changes);
  const actor = actorOf(change);
  // Without the key's previous value there is nothing to diff against; an invalid value still has its text.
  const expandable = item.previousKnown || invalid !== undefined;

  return (
    <li
      data-revision={change.revision}
      data-key={change.key}
      data-operation={change.operation}
      className={`border-b border-zinc-100 px-3 py-1.5 last:border-0 sm:col-span-full sm:grid sm:grid-cols-subgrid dark:border-zinc-800/70 ${fresh ? 'transition-colors duration-[1500ms] motion-reduce:transition-none starting:bg-sky-100 dark:starting:bg-sky-900/50' : ''}`}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm sm:col-span-full sm:grid sm:grid-cols-subgrid">
        <time dateTime={change.updated} title={change.updated} className="shrink-0 font-mono text-xs text-zinc-500 tabular-nums">
          {clockTime(change.updated)}
        </time>
        <OperationBadge operation={change.operation} />
        <PipeLink pipeKey={change.key} className="min-w-0 truncate max-sm:flex-1" />
        {/* A second line on narrow screens; cells of the shared grid on wider ones. */}
        <div className="flex min-w-0 basis-full items-center gap-x-3 max-sm:order-2 sm:contents">
          <span className="shrink-0 text-xs text-zinc-500 tabular-nums">rev {change.revision}</span>
          <span className={`shrink-0 text-xs ${actor ? 'text-zinc-700 dark:text-zinc-300' : 'text-zinc-500 italic'}`}>
            {actor ? `by ${actor}` : 'external'}
          </span>
          <span className="flex min-w-0 items-baseline gap-x-2 text-xs">
            <span className={`min-w-0 shrink truncate ${invalid ? 'text-red-700 dark:text-red-400' : 'text-zinc-500'}`} title={summary}>
              {summary}
            </span>
            {change.note && (
              <q title={change.note} className="min-w-0 shrink-[2] truncate text-zinc-700 dark:text-zinc-300">
                {change.note}
              </q>
            )}
          </span>
        </div>
        {expandable && (
          <button
            type="button"
            aria-expanded={open}
            aria-controls={open ? panelId : undefined}
            onClick={() => setOpen(!open)}
            className="ml-auto shrink-0 rounded px-1.5 py-0.5 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 max-sm:order-1 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
          >
            {open ? 'Hide diff' : 'Show diff'}
          </button>
        )}
      </div>
      {open && expandable && (
        <div id={panelId} className="mt-2 mb-1 min-w-0 space-y-2 sm:col-[2/-1]">
          {previous?.invalid && <p className="text-xs text-zinc-500">The previous value was invalid; the diff is against nothing.</p>}
          {invalid ? (
            <InvalidValue message={invalid.message} raw={isDeleteMarker(change) ? undefined : change.raw} />
          ) : (
            <FieldDiff changes={changes} empty="No field changed." />
          )}
        </div>
      )}
    </li>
  );
});
