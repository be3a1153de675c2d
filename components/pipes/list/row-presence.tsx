'use client';

import { useLive } from '@/components/live/live-provider';
import { PresenceAvatar } from '@/components/pipes/presence-avatar';

/**
 * Who has this pipe open, as overlapping badges. Above the row's link (which covers the row), so
 * each badge's hover title shows.
 */
export function RowPresence({ pipeKey }: { pipeKey: string }) {
  const entries = useLive((s) => s.presence.get(pipeKey));
  if (!entries || entries.length === 0) return null;
  return (
    <ul aria-label={`Open by ${entries.length === 1 ? 'one user' : `${entries.length} users`}`} className="relative z-[1] ml-auto flex shrink-0 -space-x-1.5">
      {entries.map((entry) => (
        <li key={entry.user} className="flex">
          <PresenceAvatar entry={entry} />
        </li>
      ))}
    </ul>
  );
}
