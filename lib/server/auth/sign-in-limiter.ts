import 'server-only';

export const SIGN_IN_FAILURES_ALLOWED = 10;
export const SIGN_IN_WINDOW_MS = 60_000;

/**
 * Failed sign-ins per client, in a sliding window: past the limit, sign-in answers 429 until
 * the oldest failure leaves the window, so guessing tokens online is hopeless.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly allowed = SIGN_IN_FAILURES_ALLOWED,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
  ) {}

  /** Milliseconds until `client` may try again, or 0 when it may now. */
  retryAfter(client: string, now = Date.now()): number {
    const recent = this.recent(client, now);
    return recent.length < this.allowed ? 0 : recent[0]! + this.windowMs - now;
  }

  fail(client: string, now = Date.now()): void {
    this.failures.set(client, [...this.recent(client, now), now]);
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [client, times] of this.failures) if (!times.some((t) => t > now - this.windowMs)) this.failures.delete(client);
  }
}
