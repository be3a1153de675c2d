import { RevisionMismatchError } from '@/lib/server/nats/errors';

/** One KV key, compare-and-set on every write (a lost race throws RevisionMismatchError). */
export interface LeasePort {
  read(): Promise<{ revision: number; value: string } | null>;
  create(value: string): Promise<number>;
  update(value: string, revision: number): Promise<number>;
  remove(revision: number): Promise<void>;
}

export type LeaseTimings = {
  /** A standby takes over a lease whose revision has not moved for this long, on its own clock. */
  ttlMs: number;
  /** A holder that could not renew for this long stops acting on it (well before anyone may take over). */
  stepDownMs: number;
};

export const LEASE_TIMINGS: LeaseTimings = { ttlMs: 5_000, stepDownMs: 3_000 };

/**
 * One writer among the instances, by a KV key: the holder renews it (a compare-and-set update)
 * on every tick; a standby that sees its revision stand still for `ttlMs` — measured on its own
 * clock, so the instances' clocks never need to agree — takes it over by compare-and-set at
 * that revision. The holder stops acting `ttlMs − stepDownMs` before anyone can take over, so a
 * paused or cut-off holder never overlaps with the next one.
 */
export class Lease {
  private revision: number | undefined;
  private renewedAt = -Infinity;
  /** The holder's record as last seen by a standby, and when it was first seen at that revision. */
  private seen: { revision: number; value: string; since: number } | undefined;

  constructor(
    private readonly port: LeasePort,
    private readonly timings: LeaseTimings = LEASE_TIMINGS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether this instance may act as the writer now. */
  holds(): boolean {
    return this.revision !== undefined && this.now() - this.renewedAt < this.timings.stepDownMs;
  }

  /** The holder's record when another instance holds the lease (what it last published). */
  othersValue(): string | undefined {
    return this.revision === undefined ? this.seen?.value : undefined;
  }

  /**
   * Renews, or watches and takes over; `value` is what this instance publishes in the key while
   * it holds it. Resolves to whether it holds the lease now; a NATS failure rejects.
   */
  async tick(value: string): Promise<boolean> {
    if (this.revision !== undefined) {
      try {
        return this.won(await this.port.update(value, this.revision));
      } catch (err) {
        // Kept on any other failure: once NATS answers again, the same revision renews it
        // unless someone took over meanwhile (holds() says no in between).
        if (!(err instanceof RevisionMismatchError)) throw err;
        // Taken over while this instance was paused or cut off.
        this.revision = undefined;
      }
    }
    const current = await this.port.read();
    if (!current) return this.race(() => this.port.create(value));
    const now = this.now();
    if (this.seen?.revision !== current.revision) {
      this.seen = { revision: current.revision, value: current.value, since: now };
      return false;
    }
    if (now - this.seen.since < this.timings.ttlMs) return false;
    return this.race(() => this.port.update(value, current.revision));
  }

  /** Lets the lease go (on shutdown), so a standby takes over at its next tick. */
  async release(): Promise<void> {
    const revision = this.revision;
    this.revision = undefined;
    if (revision !== undefined) await this.port.remove(revision);
  }

  private async race(take: () => Promise<number>): Promise<boolean> {
    try {
      return this.won(await take());
    } catch (err) {
      if (err instanceof RevisionMismatchError) return false;
      throw err;
    }
  }

  private won(revision: number): boolean {
    this.revision = revision;
    this.renewedAt = this.now();
    this.seen = undefined;
    return true;
  }
}
