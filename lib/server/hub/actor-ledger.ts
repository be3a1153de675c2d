import 'server-only';
import type { Change } from '@/lib/pipes/entry';
import type { Attribution } from '@/lib/server/archive/record';

const EXPECTATION_TTL_MS = 10_000;

/**
 * A console write about to happen: who makes it and why, announced to every instance. `after`:
 * the revision a compare-and-set expects to replace, when it names one — its change comes after.
 */
export type WriteIntent = { id: string; key: string; by: Attribution; note?: string; after?: number };

/**
 * KV entries carry no author, so every console instance remembers which keys are being written
 * (its own writes, and the ones other instances announce) and labels the next change of that key
 * its watch sees. Another writer's change to the same key in the same instant could be
 * mislabelled — the archive keeps the writer's own record, which wins. An expectation ends when
 * its write is done or cancelled, or after 10 s.
 */
export class ActorLedger {
  private readonly pending = new Map<string, Array<WriteIntent & { expires: number }>>();

  expect(intent: WriteIntent): void {
    const list = this.pending.get(intent.key) ?? [];
    list.push({ ...intent, expires: Date.now() + EXPECTATION_TTL_MS });
    this.pending.set(intent.key, list);
  }

  /** Forgets the expectation `id` of `key`, whether or not a change was labelled with it. */
  forget(key: string, id: string): void {
    const list = this.pending.get(key);
    if (!list) return;
    const i = list.findIndex((item) => item.id === id);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.pending.delete(key);
  }

  /** The change with its actor and note when a write of its key was expected, and who made it. */
  label<C extends Change>(change: C): { change: C; by?: Attribution } {
    const list = this.pending.get(change.key);
    if (!list) return { change };
    const now = Date.now();
    // A write replacing revision N makes a change after N: the change at N, another writer's
    // that the watch applies just as the intent arrives, is not it.
    const live = list.filter((item) => item.expires >= now);
    const at = live.findIndex((item) => item.after === undefined || item.after < change.revision);
    const item = at >= 0 ? live.splice(at, 1)[0] : undefined;
    if (live.length > 0) this.pending.set(change.key, live);
    else this.pending.delete(change.key);
    if (!item) return { change };
    return { change: { ...change, actor: item.by.user, ...(item.note === undefined ? {} : { note: item.note }) }, by: item.by };
  }
}
