import 'server-only';

/** What the round pings. */
export type Pinged = { ping(): void };

/**
 * One timer for every open stream's keep-alive comment, instead of one per stream: 10,000
 * timers cost memory per connection and fire spread out, landing on the changes' writes.
 * The timer runs only while a stream is open.
 */
export class PingRound {
  private readonly members = new Set<Pinged>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs: number) {}

  join(member: Pinged): void {
    this.members.add(member);
    this.timer ??= setInterval(() => this.pingAll(), this.intervalMs);
  }

  leave(member: Pinged): void {
    this.members.delete(member);
    if (this.members.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private pingAll(): void {
    for (const member of this.members) member.ping();
  }
}
