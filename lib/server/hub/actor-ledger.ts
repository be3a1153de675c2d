import 'server-only';
import type { Change } from '@/lib/pipes/entry';

const EXPECTATION_TTL_MS = 10_000;

/**
 * KV entries carry no author, so the console remembers which keys it is writing and labels
 * the next change of that key its watch sees. Another writer's change to the same key in the
 * same instant could be mislabelled; entries expire after 10 s so a failed write labels nothing.
 */
export class ActorLedger {
  private readonly pending = new Map<string, Array<{ actor: string; expires: number }>>();

  expect(key: string, actor: string): () => void {
    const item = { actor, expires: Date.now() + EXPECTATION_TTL_MS };
    const list = this.pending.get(key) ?? [];
    list.push(item);
    this.pending.set(key, list);
    return () => this.remove(key, item);
  }

  label<C extends Change>(change: C): C {
    const list = this.pending.get(change.key);
    if (!list) return change;
    const now = Date.now();
    let item = list.shift();
    while (item && item.expires < now) item = list.shift();
    if (list.length === 0) this.pending.delete(change.key);
    return item ? { ...change, actor: item.actor } : change;
  }

  private remove(key: string, item: { actor: string; expires: number }): void {
    const list = this.pending.get(key);
    if (!list) return;
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.pending.delete(key);
  }
}
