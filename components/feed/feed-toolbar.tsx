'use client';

import { Button } from '@/components/ui/button';
import { OPERATIONS, toggleOperation, type FeedFilter } from './feed-filter';
import { FilterInput } from './filter-input';

/** Filter by key, actor and operation; Pause / Resume with the count of what arrived meanwhile. */
export function FeedToolbar({
  filter,
  onFilter,
  paused,
  onPause,
  onResume,
  pending,
}: {
  filter: FeedFilter;
  onFilter: (f: FeedFilter) => void;
  paused: boolean;
  onPause: () => void;
  onResume: () => void;
  /** "12 new changes" while paused. */
  pending: string | undefined;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-2">
      <FilterInput label="Filter by key" value={filter.key} onChange={(key) => onFilter({ ...filter, key })} />
      <FilterInput label="Filter by actor" value={filter.actor} onChange={(actor) => onFilter({ ...filter, actor })} />
      <fieldset className="flex items-center gap-3 text-sm">
        <legend className="sr-only">Operation</legend>
        {OPERATIONS.map((op) => (
          <label key={op} className="inline-flex cursor-pointer items-center gap-1.5 font-mono text-xs text-zinc-700 dark:text-zinc-300">
            <input
              type="checkbox"
              checked={filter.operations.has(op)}
              onChange={() => onFilter({ ...filter, operations: toggleOperation(filter.operations, op) })}
              className="size-3.5 accent-teal-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
            />
            {op}
          </label>
        ))}
      </fieldset>
      <div className="ml-auto flex items-center gap-3">
        <p role="status" className="text-sm text-amber-800 tabular-nums dark:text-amber-300">
          {paused && `Paused · ${pending}`}
        </p>
        {paused ? (
          <Button variant="primary" onClick={onResume}>
            Resume
          </Button>
        ) : (
          <Button onClick={onPause}>Pause</Button>
        )}
      </div>
    </div>
  );
}
