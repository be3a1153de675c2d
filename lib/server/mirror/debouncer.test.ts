import { describe, expect, it } from 'vitest';
import { Debouncer, type Timers } from './debouncer';

/** Timers on a clock the test moves. */
function fakeTimers() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    now: () => now,
    set: (run, ms) => {
      pending.set(++next, { at: now + ms, run });
      return next;
    },
    clear: (t) => pending.delete(t as number),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...pending].filter(([, p]) => p.at <= until).sort((x, y) => x[1].at - y[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  };
  return { timers, advance };
}

describe('Debouncer', () => {
  it('runs once after a burst has been quiet for quietMs', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const d = new Debouncer(() => runs++, 150, 800, timers);
    for (let i = 0; i < 5; i++) {
      d.poke();
      advance(100);
    }
    expect(runs).toBe(0);
    advance(50);
    expect(runs).toBe(1);
  });

  it('runs no later than maxWaitMs after the first poke of a steady stream', () => {
    const { timers, advance } = fakeTimers();
    const at: number[] = [];
    let t = 0;
    const d = new Debouncer(() => at.push(t), 150, 800, timers);
    for (t = 0; t <= 2_000; t += 50) {
      d.poke();
      advance(50);
    }
    expect(at[0]).toBeLessThanOrEqual(800);
    expect(at.length).toBeGreaterThanOrEqual(2);
  });

  it('cancel drops what was pending', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const d = new Debouncer(() => runs++, 150, 800, timers);
    d.poke();
    d.cancel();
    advance(1_000);
    expect(runs).toBe(0);
    expect(d.pending).toBe(false);
  });
});
