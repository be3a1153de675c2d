import 'server-only';
import type { PresenceEntry } from '@/lib/live/protocol';
import type { Role } from '@/lib/server/auth';

export type { PresenceEntry };

/**
 * One browser tab (or one credential without a tab id), as the instance it last posted to
 * reports it; `ttlMs` is how long that instance keeps a silent tab (three of its intervals).
 */
export type TabReport = { instance: string; tab: string; user: string; role: Role; key: string | null; editing: boolean; ttlMs: number };

type Tab = {
  instance: string;
  tab: string;
  user: string;
  role: Role;
  key: string;
  editing: boolean;
  ttlMs: number;
  since: number;
  seenAt: number;
};

export type BoardLimits = {
  /** Tabs kept per user: past it, a tab of that user silent for `idleMs` makes room, or the new one is refused. */
  maxTabsPerUser: number;
  /** Tabs kept in all: past it, a new tab is refused ('full') until others leave or expire. */
  maxTabs: number;
  /** A tab this long without a post may make room for a new one of its user (one heartbeat interval). */
  idleMs: number;
};

export const DEFAULT_LIMITS = { maxTabsPerUser: 20, maxTabs: 5_000 } as const;

/**
 * Presence in memory, free of I/O: every tab's last report from any instance, expired when
 * silent, capped per user and in all. A tab is its user's: reports are keyed by user and tab id,
 * so one user's tab id never touches another's, and a tab that posts to several instances behind
 * a balancer is one tab. `entries()` folds tabs into one entry per user and pipe (editing when any
 * tab is; since the earliest), computed once per change.
 */
export class PresenceBoard {
  private readonly tabs = new Map<string, Tab>();
  private readonly tabsByUser = new Map<string, Set<string>>();
  private folded: PresenceEntry[] | undefined;

  constructor(private readonly limits: BoardLimits) {}

  get size(): number {
    return this.tabs.size;
  }

  /** Applies a report; `changed` when what `entries()` shows may differ. */
  report(r: TabReport, now: number): 'changed' | 'same' | 'full' {
    const id = `${r.user}\u0000${r.tab}`;
    const known = this.tabs.get(id);
    if (r.key === null) return known ? this.drop(id) : 'same';
    if (known) {
      const moved = known.key !== r.key || known.editing !== r.editing || known.role !== r.role;
      const since = known.key === r.key ? known.since : now;
      this.tabs.set(id, {
        ...known,
        instance: r.instance,
        role: r.role,
        key: r.key,
        editing: r.editing,
        ttlMs: r.ttlMs,
        since,
        seenAt: now,
      });
      return moved ? this.touched() : 'same';
    }
    const own = this.tabsByUser.get(r.user);
    if (own && own.size >= this.limits.maxTabsPerUser) {
      const idle = [...own].map((tid) => this.tabs.get(tid)!).find((t) => now - t.seenAt > this.limits.idleMs);
      if (!idle) return 'full';
      this.drop(`${idle.user}\u0000${idle.tab}`);
    } else if (this.tabs.size >= this.limits.maxTabs) {
      return 'full';
    }
    this.tabs.set(id, {
      instance: r.instance,
      tab: r.tab,
      user: r.user,
      role: r.role,
      key: r.key,
      editing: r.editing,
      ttlMs: r.ttlMs,
      since: now,
      seenAt: now,
    });
    this.tabsByUser.set(r.user, (this.tabsByUser.get(r.user) ?? new Set()).add(id));
    return this.touched();
  }

  /** Drops every tab whose last report came from `instance` (it said goodbye as it stopped). */
  dropInstance(instance: string): boolean {
    return this.dropWhere((t) => t.instance === instance);
  }

  /** Drops the tabs silent for longer than their TTL; true when any went. */
  expire(now: number): boolean {
    return this.dropWhere((t) => now - t.seenAt > t.ttlMs);
  }

  entries(): PresenceEntry[] {
    this.folded ??= fold([...this.tabs.values()]);
    return this.folded;
  }

  private dropWhere(doomed: (t: Tab) => boolean): boolean {
    let dropped = false;
    for (const [id, t] of this.tabs) {
      if (!doomed(t)) continue;
      this.drop(id);
      dropped = true;
    }
    return dropped;
  }

  private drop(id: string): 'changed' {
    const tab = this.tabs.get(id);
    this.tabs.delete(id);
    if (tab) {
      const own = this.tabsByUser.get(tab.user);
      own?.delete(id);
      if (own?.size === 0) this.tabsByUser.delete(tab.user);
    }
    return this.touched();
  }

  private touched(): 'changed' {
    this.folded = undefined;
    return 'changed';
  }
}

function fold(tabs: Tab[]): PresenceEntry[] {
  const byUserAndKey = new Map<string, { key: string; user: string; role: Role; editing: boolean; since: number }>();
  for (const t of tabs) {
    const id = `${t.key}\u0000${t.user}`;
    const seen = byUserAndKey.get(id);
    if (!seen) byUserAndKey.set(id, { key: t.key, user: t.user, role: t.role, editing: t.editing, since: t.since });
    else byUserAndKey.set(id, { ...seen, editing: seen.editing || t.editing, since: Math.min(seen.since, t.since) });
  }
  return [...byUserAndKey.values()]
    .sort((a, b) => (a.key === b.key ? (a.user < b.user ? -1 : a.user > b.user ? 1 : 0) : a.key < b.key ? -1 : 1))
    .map((e) => ({ ...e, since: new Date(e.since).toISOString() }));
}
