'use client';

import { PipeLink } from '@/components/pipes/pipe-link';
import { memo, useId, useState } from 'react';
import { FieldDiff } from '@/components/pipes/field-diff';
import type { ReceivedChange } from '@/lib/live/reducer';
import { isDeleteMarker } from '@/lib/pipes/entry';
import { changeDiff, changeSummary } from './change-diff';
import { OperationBadge } from './operation-badge';
import { clockTime } from './time';

/** One change: when, what, who, which fields; the diff against the previous value on demand. */
export const FeedRow = memo(function FeedRow({ item, fresh }: { item: ReceivedChange; fresh: boolean }) {
  const { change, previous } = item;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const changes = changeDiff(item);
  const invalid = isDeleteMarker(change) ? undefined : change.invalid;
  const summary = changeSummary(item, changes);

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
          <span className={`shrink-0 text-xs ${change.actor ? 'text-zinc-700 dark:text-zinc-300' : 'text-zinc-500 italic'}`}>
            {change.actor ? `by ${change.actor}` : 'external'}
          </span>
          <span className={`min-w-0 truncate text-xs ${invalid ? 'text-red-700 dark:text-red-400' : 'text-zinc-500'}`} title={summary}>
            {summary}
          </span>
        </div>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          onClick={() => setOpen(!open)}
          className="ml-auto shrink-0 rounded px-1.5 py-0.5 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 max-sm:order-1 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          {open ? 'Hide diff' : 'Show diff'}
        </button>
      </div>
      {open && (
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

function InvalidValue({ message, raw }: { message: string; raw: string | undefined }) {
  return (
    <div className="text-sm">
      <p className="text-red-700 dark:text-red-400">The new value is not a valid pipe: {message}</p>
      {raw !== undefined && (
        <pre className="mt-1 max-h-40 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-900">
          {raw}
        </pre>
      )}
    </div>
  );
}
