import 'server-only';
import { isDeleteMarker, type Change, type DeleteMarker, type Entry } from '@/lib/pipes/entry';
import type { Snapshot } from '@/lib/live/protocol';

/** The last value of every live key, the delete marker of every deleted one, and the highest bucket revision applied. */
export class PipeCache {
  private entries = new Map<string, Entry>();
  private tombstones = new Map<string, DeleteMarker>();
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
    this.store(change);
    this.sorted = undefined;
    return true;
  }

  /** Replaces everything with a fresh state: the last change of every key (start-up, or a recreated bucket). */
  replace(state: Iterable<Change>, revision: number): void {
    this.entries = new Map();
    this.tombstones = new Map();
    for (const change of state) this.store(change);
    this.applied = revision;
    this.sorted = undefined;
  }

  /** Sets the actor and note of the change `key` is at, if it is still at `revision` (learnt from the archive). */
  attribute(key: string, revision: number, actor: string, note: string | undefined): void {
    const current = this.entries.get(key) ?? this.tombstones.get(key);
    if (current?.revision !== revision || (current.actor === actor && current.note === note)) return;
    this.store({ ...current, actor, ...(note === undefined ? {} : { note }) });
    this.sorted = undefined;
  }

  /** The delete marker of `key`, when its last change is a delete or purge. */
  deletedMarker(key: string): DeleteMarker | undefined {
    return this.tombstones.get(key);
  }

  /** The delete marker of every key whose last change is a delete or purge. */
  deleted(): DeleteMarker[] {
    return [...this.tombstones.values()];
  }

  private store(change: Change): void {
    if (isDeleteMarker(change)) {
      this.entries.delete(change.key);
      this.tombstones.set(change.key, change);
    } else {
      this.tombstones.delete(change.key);
      this.entries.set(change.key, change);
    }
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
