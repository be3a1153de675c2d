/**
 * Counts operations still running, so a shutdown can wait for them: a write that has reached
 * NATS is let finish before the connection closes, rather than leaving its outcome unknown.
 */
export class InFlight {
  private running = 0;
  private waiters: Array<() => void> = [];

  get count(): number {
    return this.running;
  }

  /** `operation`, counted until it settles. */
  async track<T>(operation: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await operation();
    } finally {
      if (--this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** True once none is running; false if some still are after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
