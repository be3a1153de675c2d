'use client';

import { memo } from 'react';
import type { Entry } from '@/lib/pipes/entry';
import { PipeRow } from './list/pipe-row';
import type { RowMark } from './list/row-marks';
import { VirtualRows } from './list/virtual-rows';

/**
 * Above this many rows only those near the viewport are in the page; below it every row is
 * (find-in-page and printing work, and rendering them all costs a few milliseconds).
 */
export const VIRTUALIZE_ABOVE = 150;

const th = 'py-2 pr-3 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400';

/**
 * The pipe list as a table; user text is rendered as text, never as HTML. Memoised: a keystroke
 * in the search re-renders the toolbar at once and this only when the filtered rows change.
 */
export const PipeTable = memo(function PipeTable({ rows, marks }: { rows: readonly Entry[]; marks: ReadonlyMap<string, RowMark> }) {
  return (
    <div className="overflow-clip rounded-md border border-zinc-200 dark:border-zinc-800">
      <table className="w-full table-fixed border-collapse text-sm">
        <colgroup>
          <col className="sm:w-[38%] lg:w-[26%]" />
          <col className="hidden sm:table-column" />
          <col className="hidden lg:table-column lg:w-[30%]" />
          <col className="w-20" />
          <col className="hidden w-36 sm:table-column" />
        </colgroup>
        <thead className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
          <tr>
            <th scope="col" className={`${th} pl-3`}>
              Name
            </th>
            <th scope="col" className={`${th} hidden sm:table-cell`}>
              Description
            </th>
            <th scope="col" className={`${th} hidden lg:table-cell`}>
              SQL
            </th>
            <th scope="col" className={`${th} text-right`}>
              Revision
            </th>
            <th scope="col" className={`${th} hidden sm:table-cell`}>
              Updated
            </th>
          </tr>
        </thead>
        {rows.length > VIRTUALIZE_ABOVE ? (
          <VirtualRows rows={rows} marks={marks} />
        ) : (
          <tbody>
            {rows.map((entry) => (
              <PipeRow key={entry.key} entry={entry} mark={marks.get(entry.key)?.kind} />
            ))}
          </tbody>
        )}
      </table>
    </div>
  );
});
