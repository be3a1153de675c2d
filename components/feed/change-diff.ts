// The field diff of one received change against the value it replaced, computed once per
// change (the feed re-renders on every arrival; the changes themselves never change).
import type { ReceivedChange } from '@/lib/live/reducer';
import { diffPipes, type FieldChange } from '@/lib/pipes/diff';
import { isDeleteMarker } from '@/lib/pipes/entry';

const diffs = new WeakMap<ReceivedChange, FieldChange[]>();

export function changeDiff(item: ReceivedChange): FieldChange[] {
  let changes = diffs.get(item);
  if (changes === undefined) {
    const after = isDeleteMarker(item.change) ? null : item.change.value;
    changes = diffPipes(item.previous?.value ?? null, after);
    diffs.set(item, changes);
  }
  return changes;
}

/** "sql, description" — the fields a change touched, for the collapsed row. */
export function changedFields(changes: readonly FieldChange[], max = 4): string {
  const names = changes.map((c) => c.field);
  return names.length > max ? `${names.slice(0, max).join(', ')} +${names.length - max} more` : names.join(', ');
}

/**
 * One line for the collapsed row: what happened, or which fields changed. `previousKnown: false`
 * (an archived row whose key has no older row loaded) says so instead of guessing "created".
 */
export function changeSummary(
  { change, previous, previousKnown = true }: ReceivedChange & { previousKnown?: boolean },
  changes: readonly FieldChange[],
): string {
  if (isDeleteMarker(change)) return change.operation === 'PURGE' ? 'purged, history removed' : 'deleted';
  if (change.invalid) return `invalid: ${change.invalid.message}`;
  if (!previousKnown) return 'written; earlier value not loaded';
  if (previous === undefined) return 'created';
  return changes.length === 0 ? 'written again, no field changed' : changedFields(changes);
}
