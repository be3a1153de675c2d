export type Timers = {
  now: () => number;
  set: (run: () => void, ms: number) => unknown;
  clear: (timer: unknown) => void;
};

const REAL_TIMERS: Timers = {
  now: Date.now,
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * Runs once things have been quiet for `quietMs`, but never later than `maxWaitMs` after the
 * first poke of a burst: a steady stream of changes still gets written within the bound.
 */
export class Debouncer {
  private timer: unknown;
  private firstAt: number | undefined;

  constructor(
    private readonly run: () => void,
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  get pending(): boolean {
    return this.firstAt !== undefined;
  }

  poke(): void {
    const now = this.timers.now();
    this.firstAt ??= now;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    const delay = Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxWaitMs - now));
    this.timer = this.timers.set(() => this.fire(), delay);
  }

  cancel(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.firstAt = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.firstAt = undefined;
    this.run();
  }
}
