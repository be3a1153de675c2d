import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InFlight } from './in-flight';

describe('InFlight', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const deferred = () => {
    let resolve = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('counts an operation until it settles, rejected ones too', async () => {
    const inFlight = new InFlight();
    const one = deferred();
    const done = inFlight.track(() => one.promise);
    const failed = inFlight.track(() => Promise.reject(new Error('no'))).catch(() => 'failed');
    expect(inFlight.count).toBe(2);
    expect(await failed).toBe('failed');
    expect(inFlight.count).toBe(1);
    one.resolve();
    await done;
    expect(inFlight.count).toBe(0);
  });

  it('settles true at once when none is running', async () => {
    await expect(new InFlight().settled(1_000)).resolves.toBe(true);
  });

  it('settles true when the last one ends', async () => {
    const inFlight = new InFlight();
    const one = deferred();
    void inFlight.track(() => one.promise);
    const settled = inFlight.settled(1_000);
    one.resolve();
    await expect(settled).resolves.toBe(true);
  });

  it('settles false when some still run at the deadline', async () => {
    const inFlight = new InFlight();
    void inFlight.track(() => new Promise(() => {}));
    const settled = inFlight.settled(1_000);
    vi.advanceTimersByTime(1_000);
    await expect(settled).resolves.toBe(false);
  });
});
