'use client';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { useSessionUser } from './session-context';

/** The signed-in user and role, and the way out. */
export function UserMenu() {
  const user = useSessionUser();
  if (!user) return null;
  const signOut = async () => {
    await fetch('/api/session', { method: 'DELETE' }).catch(() => undefined);
    // A full load on purpose: nothing of the signed-in page (live stream, drafts in memory) survives.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign('/login');
  };
  return (
    <div className="flex items-center gap-2 text-sm whitespace-nowrap">
      <span className="text-zinc-600 dark:text-zinc-400" data-testid="user-name">
        {user.name}
      </span>
      <Badge tone={user.role === 'admin' ? 'blue' : 'neutral'}>{user.role}</Badge>
      <Button variant="ghost" onClick={signOut}>
        Sign out
      </Button>
    </div>
  );
}
