import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PingRound } from './ping-round';

describe('PingRound', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const member = () => {
    const m = { pings: 0, ping: () => void m.pings++ };
    return m;
  };

  it('pings every member once an interval, on one timer', () => {
    const round = new PingRound(1_000);
    const [a, b] = [member(), member()];
    round.join(a);
    round.join(b);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3_000);
    expect([a.pings, b.pings]).toEqual([3, 3]);
  });

  it('stops pinging a member that left', () => {
    const round = new PingRound(1_000);
    const [a, b] = [member(), member()];
    round.join(a);
    round.join(b);
    round.leave(a);
    vi.advanceTimersByTime(2_000);
    expect([a.pings, b.pings]).toEqual([0, 2]);
  });

  it('runs no timer once the last member has left, and starts one again for the next', () => {
    const round = new PingRound(1_000);
    const a = member();
    round.join(a);
    round.leave(a);
    expect(vi.getTimerCount()).toBe(0);
    round.join(a);
    vi.advanceTimersByTime(1_000);
    expect(a.pings).toBe(1);
  });
});
