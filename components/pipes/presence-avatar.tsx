import type { PresenceEntry } from '@/lib/live/protocol';
import { initials, presenceLabel } from './presence';

/**
 * One user on a pipe: their initials in a small round badge, a pencil while they edit. Named for
 * assistive technology ("ana (admin) is editing"); the same words show on hover. `labelled`
 * false where the words are written beside it.
 */
export function PresenceAvatar({ entry, labelled = true }: { entry: PresenceEntry; labelled?: boolean }) {
  const label = presenceLabel(entry);
  return (
    <span
      {...(labelled ? { role: 'img', 'aria-label': label, title: label } : { 'aria-hidden': true })}
      data-user={entry.user}
      data-editing={entry.editing || undefined}
      className={`relative inline-flex size-5 shrink-0 items-center justify-center rounded-full text-[10px] font-semibold ring-2 ring-white select-none dark:ring-zinc-950 ${
        entry.editing ? 'bg-amber-200 text-amber-950 dark:bg-amber-800 dark:text-amber-50' : 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100'
      }`}
    >
      {initials(entry.user)}
      {entry.editing && (
        <span aria-hidden className="absolute -right-1 -bottom-1 rounded-full bg-white px-px text-[9px] leading-none text-amber-700 dark:bg-zinc-950 dark:text-amber-300">
          ✎
        </span>
      )}
    </span>
  );
}
