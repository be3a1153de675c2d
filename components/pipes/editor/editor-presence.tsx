'use client';

import { useState } from 'react';
import { useSessionUser } from '@/components/auth/session-context';
import { useLive } from '@/components/live/live-provider';
import { PresenceAvatar } from '@/components/pipes/presence-avatar';
import { othersOf, presenceLabel, startedEditingNotice } from '@/components/pipes/presence';
import type { PresenceEntry } from '@/lib/live/protocol';

/**
 * Who else has this pipe open ("ana (admin) is editing"), and, while this tab holds unsaved
 * edits, who started editing it meanwhile: their save would meet this one.
 */
export function EditorPresence({ pipeKey, dirty }: { pipeKey: string; dirty: boolean }) {
  const self = useSessionUser()?.name;
  const entries = useLive((s) => s.presence.get(pipeKey));
  const started = useStartedEditing(entries, self, dirty);
  const others = othersOf(entries, self);
  if (others.length === 0 && started.length === 0) return null;
  return (
    <section aria-label="Presence" aria-live="polite" className="space-y-1 text-sm">
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-zinc-600 dark:text-zinc-400">
        {others.map((entry) => (
          <li key={entry.user} className="flex items-center gap-1.5">
            <PresenceAvatar entry={entry} labelled={false} />
            <span>{presenceLabel(entry)}</span>
          </li>
        ))}
      </ul>
      {started.map((user) => (
        <p key={user} role="status" className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-950/50 dark:text-amber-200">
          {user} started editing this pipe
        </p>
      ))}
    </section>
  );
}

/** The users named by the "started editing" notice, updated as presence changes (in render, from the last presence seen). */
function useStartedEditing(entries: readonly PresenceEntry[] | undefined, self: string | undefined, dirty: boolean): readonly string[] {
  const [seen, setSeen] = useState({ entries, dirty, self, started: [] as readonly string[] });
  if (seen.entries !== entries || seen.dirty !== dirty || seen.self !== self) {
    const started = startedEditingNotice(seen.started, { previous: seen.entries, next: entries, self, dirty });
    setSeen({ entries, dirty, self, started });
    return started;
  }
  return seen.started;
}
