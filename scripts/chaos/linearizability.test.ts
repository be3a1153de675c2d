import { describe, expect, it } from 'vitest';
import { checkRegister, minimalFailing } from './linearizability.mjs';
import type { Operation } from './linearizability.d.mts';

// Times are ticks of one clock; a counter key's value is its count as text.
const cas = (
  invoked: number,
  returned: number | undefined,
  expected: number,
  value: string,
  result?: { revision: number } | 'refused',
): Operation => ({
  kind: 'cas',
  invoked,
  ...(returned === undefined ? {} : { returned }),
  expected,
  value,
  ...(result === undefined ? {} : { result }),
});
const read = (invoked: number, returned: number, result: { revision: number; value: string } | null): Operation => ({
  kind: 'read',
  invoked,
  returned,
  result,
});
const write = (invoked: number, returned: number, value: string, revision: number): Operation => ({
  kind: 'write',
  invoked,
  returned,
  value,
  result: { revision },
});

describe('checkRegister', () => {
  it('accepts one increment after another, each from the revision the last gave', () => {
    const history = [cas(0, 1, 0, '1', { revision: 1 }), cas(2, 3, 1, '2', { revision: 2 }), read(4, 5, { revision: 2, value: '2' })];
    expect(checkRegister(history)).toEqual({ linearizable: true, order: [0, 1, 2] });
  });

  it('refuses two increments from the same revision that both succeeded (a lost update)', () => {
    const history = [cas(0, 3, 1, '2', { revision: 2 }), cas(1, 4, 1, '2', { revision: 3 })];
    expect(checkRegister(history, { revision: 1, value: '1' }).linearizable).toBe(false);
  });

  it('accepts two racing increments from one revision when the loser was refused', () => {
    const history = [cas(0, 3, 1, '2', { revision: 2 }), cas(1, 4, 1, '2', 'refused')];
    expect(checkRegister(history, { revision: 1, value: '1' }).linearizable).toBe(true);
  });

  it('refuses a read of the old value after a write had returned (a stale read)', () => {
    const history = [write(0, 1, 'new', 2), read(2, 3, { revision: 1, value: 'old' })];
    expect(checkRegister(history, { revision: 1, value: 'old' }).linearizable).toBe(false);
  });

  it('accepts either value for a read that overlapped the write', () => {
    const overlapping = (value: string, revision: number) => [write(0, 3, 'new', 2), read(1, 2, { revision, value })];
    expect(checkRegister(overlapping('old', 1), { revision: 1, value: 'old' }).linearizable).toBe(true);
    expect(checkRegister(overlapping('new', 2), { revision: 1, value: 'old' }).linearizable).toBe(true);
  });

  it('refuses a refusal when the register was at the revision expected and nothing else ran', () => {
    expect(checkRegister([cas(0, 1, 1, '2', 'refused')], { revision: 1, value: '1' }).linearizable).toBe(false);
  });

  it('accepts a timed-out increment that took effect, as a later read shows', () => {
    const history = [cas(0, undefined, 1, '2'), read(5, 6, { revision: 7, value: '2' })];
    expect(checkRegister(history, { revision: 1, value: '1' }).linearizable).toBe(true);
  });

  it('accepts a timed-out increment that never took effect', () => {
    const history = [cas(0, undefined, 1, '2'), read(5, 6, { revision: 1, value: '1' })];
    expect(checkRegister(history, { revision: 1, value: '1' }).linearizable).toBe(true);
  });

  it('refuses a value nobody wrote', () => {
    expect(checkRegister([read(0, 1, { revision: 3, value: '9' })], { revision: 1, value: '1' }).linearizable).toBe(false);
  });

  it('refuses revisions that go back', () => {
    const history = [cas(0, 1, 1, '2', { revision: 5 }), cas(2, 3, 5, '3', { revision: 4 })];
    expect(checkRegister(history, { revision: 1, value: '1' }).linearizable).toBe(false);
  });

  it('accepts a long history of increments, each overlapping the next', () => {
    const history: Operation[] = [];
    for (let n = 1; n <= 300; n++) history.push(cas(n * 10, n * 10 + 15, n - 1, String(n), { revision: n }));
    expect(checkRegister(history).linearizable).toBe(true);
  });
});

describe('checkRegister, bounded', () => {
  it('gives up as undecided past its bound of dead ends, instead of searching on', () => {
    // Twelve writes of unknown outcome, then a read of a value none wrote: every subset and order
    // of the writes is tried before the history is refused.
    const unknown: Operation[] = Array.from({ length: 12 }, (_, i) => ({ kind: 'write', invoked: i, value: `v${i}` }));
    const history = [...unknown, read(20, 21, { revision: 99, value: 'never written' })];
    expect(checkRegister(history, undefined, { maxStates: 50 })).toEqual({ linearizable: false, undecided: true });
    expect(checkRegister(history)).toEqual({ linearizable: false });
  });
});

describe('minimalFailing', () => {
  it('keeps only the two increments that lost an update, out of a longer history', () => {
    const history = [
      read(0, 1, { revision: 2, value: '2' }),
      cas(4, 8, 2, '3', { revision: 3 }),
      cas(5, 9, 2, '3', { revision: 4 }),
      read(10, 11, { revision: 4, value: '3' }),
    ];
    expect(minimalFailing(history, { revision: 2, value: '2' })).toEqual([history[1], history[2]]);
  });

  it('keeps the increments that led to the revision the lost update started from, and drops the refusals', () => {
    const history = [
      cas(0, 1, 0, '1', { revision: 1 }),
      cas(0, 2, 0, '1', 'refused'),
      cas(3, 4, 1, '2', { revision: 2 }),
      cas(5, 8, 2, '3', { revision: 3 }),
      cas(6, 9, 2, '3', { revision: 4 }),
      cas(10, 11, 4, '4', { revision: 5 }),
      cas(10, 12, 3, '4', 'refused'),
    ];
    expect(minimalFailing(history)).toEqual([history[0], history[2], history[3], history[4]]);
  });

  it('refuses a history that is linearizable', () => {
    expect(() => minimalFailing([read(0, 1, null)])).toThrow(/linearizable/);
  });
});
