import 'server-only';
import { isDeleteMarker, type Change, type Entry } from '@/lib/pipes/entry';
import type { Snapshot } from '@/lib/live/protocol';

/** The last value of every live key, and the highest bucket revision applied. */
export class PipeCache {
  private entries = new Map<string, Entry>();
  private applied = 0;
  private sorted: Snapshot | undefined;

  get revision(): number {
    return this.applied;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  /** Applies one change in bucket order; a revision already applied is ignored (returns false). */
  apply(change: Change): boolean {
    if (change.revision <= this.applied) return false;
    this.applied = change.revision;
    if (isDeleteMarker(change)) this.entries.delete(change.key);
    else this.entries.set(change.key, change);
    this.sorted = undefined;
    return true;
  }

  /** Replaces everything with a fresh snapshot (start-up, or a recreated bucket). */
  replace(entries: Iterable<Entry>, revision: number): void {
    this.entries = new Map([...entries].map((e) => [e.key, e]));
    this.applied = revision;
    this.sorted = undefined;
  }

  /** All entries sorted by key; computed once per revision, shared by every reader. */
  snapshot(): Snapshot {
    this.sorted ??= {
      revision: this.applied,
      pipes: [...this.entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    };
    return this.sorted;
  }
}
