import 'server-only';
import type { PresenceEntry } from '@/lib/live/protocol';
import type { Role } from '@/lib/server/auth';

/** One browser tab (or one credential without a tab id) on one console instance. */
export type TabReport = { instance: string; tab: string; user: string; role: Role; key: string | null; editing: boolean };

export type { PresenceEntry };

type Tab = { instance: string; tab: string; user: string; role: Role; key: string; editing: boolean; since: number; seenAt: number };

export type BoardLimits = {
  /** A tab silent this long is gone (three heartbeat intervals). */
  ttlMs: number;
  /** Tabs kept per user: past it, that user's least recently seen tab makes room. */
  maxTabsPerUser: number;
  /** Tabs kept in all: past it, a new tab is refused ('full') until others leave or expire. */
  maxTabs: number;
};

export const DEFAULT_LIMITS = { maxTabsPerUser: 20, maxTabs: 5_000 } as const;

/**
 * Presence in memory, free of I/O: every tab's last report from every instance, expired when
 * silent, capped per user and in all. `entries()` folds tabs into one entry per user and pipe
 * (editing when any tab is; since the earliest), computed once per change.
 */
export class PresenceBoard {
  private readonly tabs = new Map<string, Tab>();
  private folded: PresenceEntry[] | undefined;

  constructor(private readonly limits: BoardLimits) {}

  get size(): number {
    return this.tabs.size;
  }

  /** Applies a report; `changed` when what `entries()` shows may differ. */
  report(r: TabReport, now: number): 'changed' | 'same' | 'full' {
    const id = `${r.instance}\u0000${r.tab}`;
    const known = this.tabs.get(id);
    if (r.key === null) return known ? this.drop(id) : 'same';
    if (known) {
      const moved = known.key !== r.key || known.editing !== r.editing || known.user !== r.user || known.role !== r.role;
      const since = known.key === r.key ? known.since : now;
      this.tabs.set(id, { ...known, user: r.user, role: r.role, key: r.key, editing: r.editing, since, seenAt: now });
      return moved ? this.touched() : 'same';
    }
    const own = [...this.tabs.entries()].filter(([, t]) => t.user === r.user);
    if (own.length >= this.limits.maxTabsPerUser) {
      const [oldest] = own.sort(([, a], [, b]) => a.seenAt - b.seenAt)[0]!;
      this.tabs.delete(oldest);
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
      since: now,
      seenAt: now,
    });
    return this.touched();
  }

  /** Drops every tab of `instance` (it said goodbye as it stopped). */
  dropInstance(instance: string): boolean {
    let dropped = false;
    for (const [id, t] of this.tabs) if (t.instance === instance && this.tabs.delete(id)) dropped = true;
    if (dropped) this.folded = undefined;
    return dropped;
  }

  /** Drops the tabs silent for longer than the TTL; true when any went. */
  expire(now: number): boolean {
    let dropped = false;
    for (const [id, t] of this.tabs) if (now - t.seenAt > this.limits.ttlMs && this.tabs.delete(id)) dropped = true;
    if (dropped) this.folded = undefined;
    return dropped;
  }

  /** The tabs of `instance`, as reports (to announce them again). */
  tabsOf(instance: string): TabReport[] {
    return [...this.tabs.values()].filter((t) => t.instance === instance).map(({ since: _s, seenAt: _a, ...report }) => report);
  }

  entries(): PresenceEntry[] {
    this.folded ??= fold([...this.tabs.values()]);
    return this.folded;
  }

  private drop(id: string): 'changed' {
    this.tabs.delete(id);
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
