// Which rows to mark, and how, from the changes this tab saw arrive: a pipe written or deleted
// by anyone in the last few seconds is marked "new", "changed" or "deleted"; a deleted one
// stays on the list, struck through, until its mark expires.
import type { ReceivedChange } from '@/lib/live/reducer';
import { isDeleteMarker, type Entry } from '@/lib/pipes/entry';

export const MARK_MS = 5_000;

export type MarkKind = 'new' | 'changed' | 'deleted';
export type RowMark = {
  kind: MarkKind;
  /** When the mark expires (ms since epoch). */
  until: number;
  /** The value before the change: what a deleted row still shows. */
  previous: Entry | undefined;
};

/** Marks for the keys changed within `windowMs` before `now`; `recent` is newest first. */
export function rowMarks(recent: readonly ReceivedChange[], now: number, windowMs = MARK_MS): ReadonlyMap<string, RowMark> {
  const marks = new Map<string, RowMark>();
  for (const { change, previous, receivedAt } of recent) {
    const until = receivedAt + windowMs;
    if (until <= now) break;
    const created = !isDeleteMarker(change) && previous === undefined;
    const mark = marks.get(change.key);
    if (mark) {
      // Created and then edited within the window: still new to whoever looks now.
      if (created && mark.kind === 'changed') mark.kind = 'new';
      continue;
    }
    marks.set(change.key, { kind: isDeleteMarker(change) ? 'deleted' : created ? 'new' : 'changed', until, previous });
  }
  return marks;
}

/** When the soonest mark expires, or undefined when there is none. */
export function nextExpiry(marks: ReadonlyMap<string, RowMark>): number | undefined {
  let soonest: number | undefined;
  for (const { until } of marks.values()) if (soonest === undefined || until < soonest) soonest = until;
  return soonest;
}

/** The last values of pipes deleted within the window, to show struck through for a moment. */
export function deletedRows(marks: ReadonlyMap<string, RowMark>, pipes: ReadonlyMap<string, Entry>): Entry[] {
  const rows: Entry[] = [];
  for (const [key, mark] of marks) {
    if (mark.kind === 'deleted' && mark.previous && !pipes.has(key)) rows.push(mark.previous);
  }
  return rows;
}
