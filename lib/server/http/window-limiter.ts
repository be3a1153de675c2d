import 'server-only';

/**
 * Events per client in a sliding window — failed sign-ins, presence posts: past the limit the
 * client waits (a 429) until the oldest event leaves the window.
 */
export class WindowLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly allowed: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `client` may try again, or 0 when it may now. */
  retryAfter(client: string, now = Date.now()): number {
    const recent = this.recent(client, now);
    return recent.length < this.allowed ? 0 : recent[0]! + this.windowMs - now;
  }

  /** Counts one event of `client`. */
  count(client: string, now = Date.now()): void {
    this.events.set(client, [...this.recent(client, now), now]);
    if (this.events.size > 10_000) this.prune(now);
  }

  forget(client: string): void {
    this.events.delete(client);
  }

  private recent(client: string, now: number): number[] {
    return (this.events.get(client) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [client, times] of this.events) if (!times.some((t) => t > now - this.windowMs)) this.events.delete(client);
  }
}
