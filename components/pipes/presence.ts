// Who else has a pipe open, in words: what the list's badges and the editor's presence lines say,
// and which users started editing a pipe while this tab held unsaved edits there. Pure.
import type { PresenceEntry } from '@/lib/live/protocol';

/** Up to two letters: of the first two words of the name (before any `@`), or its first letter. */
export function initials(user: string): string {
  const words = (user.split('@')[0] ?? '').split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words.slice(0, 2).map((w) => Array.from(w)[0]) : Array.from(words[0] ?? user).slice(0, 1);
  return letters.join('').toUpperCase() || '?';
}

/** "ana (admin) is editing", "bob (viewer) is viewing". */
export const presenceLabel = (entry: PresenceEntry): string => `${entry.user} (${entry.role}) is ${entry.editing ? 'editing' : 'viewing'}`;

/** Everyone but the signed-in user (whose other tabs are theirs to know about). */
export function othersOf(entries: readonly PresenceEntry[] | undefined, self: string | undefined): readonly PresenceEntry[] {
  return (entries ?? []).filter((e) => e.user !== self);
}

/** Other users editing in `next` who were not editing in `previous`. */
export function startedEditing(
  previous: readonly PresenceEntry[] | undefined,
  next: readonly PresenceEntry[] | undefined,
  self: string | undefined,
): string[] {
  const before = new Set((previous ?? []).filter((e) => e.editing).map((e) => e.user));
  return othersOf(next, self)
    .filter((e) => e.editing && !before.has(e.user))
    .map((e) => e.user);
}

/**
 * The users a "started editing this pipe" notice names after a presence change: while this tab
 * holds unsaved edits, the ones named so far who still edit, then the ones who just started.
 * Without unsaved edits there is nothing to warn about. Returns `current` when nothing changed.
 */
export function startedEditingNotice(
  current: readonly string[],
  change: { previous: readonly PresenceEntry[] | undefined; next: readonly PresenceEntry[] | undefined; self: string | undefined; dirty: boolean },
): readonly string[] {
  const { previous, next, self, dirty } = change;
  if (!dirty) return current.length === 0 ? current : [];
  const editing = new Set(othersOf(next, self).filter((e) => e.editing).map((e) => e.user));
  const kept = current.filter((user) => editing.has(user));
  const named = [...kept, ...startedEditing(previous, next, self).filter((user) => !kept.includes(user))];
  return named.length === current.length && named.every((user, i) => user === current[i]) ? current : named;
}
