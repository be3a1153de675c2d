import { describe, expect, it } from 'vitest';
import { RevisionMismatchError } from '@/lib/server/nats/errors';
import { Lease, type LeasePort } from './lease';

/** One KV key in memory, compare-and-set like the real one; `down` makes every call fail. */
function memoryKey() {
  const state = { revision: 0, value: undefined as string | undefined, down: false, seq: 0 };
  const fail = () => {
    if (state.down) throw new Error('NATS is unreachable');
  };
  const port: LeasePort = {
    async read() {
      fail();
      return state.value === undefined ? null : { revision: state.revision, value: state.value };
    },
    async create(value) {
      fail();
      if (state.value !== undefined) throw new RevisionMismatchError('exists');
      state.value = value;
      return (state.revision = ++state.seq);
    },
    async update(value, revision) {
      fail();
      if (state.value === undefined || revision !== state.revision) throw new RevisionMismatchError('wrong last sequence');
      state.value = value;
      return (state.revision = ++state.seq);
    },
    async remove(revision) {
      fail();
      if (revision !== state.revision) throw new RevisionMismatchError('wrong last sequence');
      state.value = undefined;
      state.seq++;
    },
  };
  return { port, state };
}

const timings = { ttlMs: 5_000, stepDownMs: 3_000 };

function twoInstances() {
  const key = memoryKey();
  const clock = { a: 0, b: 0 };
  const a = new Lease(key.port, timings, () => clock.a);
  const b = new Lease(key.port, timings, () => clock.b);
  return { key, clock, a, b };
}

describe('Lease', () => {
  it('the first instance to tick on a free key holds the lease', async () => {
    const { a } = twoInstances();
    expect(await a.tick('a')).toBe(true);
    expect(a.holds()).toBe(true);
  });

  it('a second instance stands by while the holder renews', async () => {
    const { a, b, clock } = twoInstances();
    await a.tick('a');
    for (let t = 0; t <= 20_000; t += 1_000) {
      clock.a = clock.b = t;
      await a.tick('a');
      expect(await b.tick('b')).toBe(false);
    }
    expect(b.holds()).toBe(false);
  });

  it('a standby sees what the holder publishes', async () => {
    const { a, b } = twoInstances();
    await a.tick('from a');
    await b.tick('b');
    expect(b.othersValue()).toBe('from a');
  });

  it('a standby takes over a lease that has not moved for the ttl on its own clock', async () => {
    const { a, b, clock } = twoInstances();
    await a.tick('a');
    clock.b = 100_000; // the clocks need not agree
    await b.tick('b');
    clock.b += timings.ttlMs - 1;
    expect(await b.tick('b')).toBe(false);
    clock.b += 1;
    expect(await b.tick('b')).toBe(true);
  });

  it('a holder cut off from NATS stops acting on the lease before anyone can take over', async () => {
    const { a, key, clock } = twoInstances();
    await a.tick('a');
    key.state.down = true;
    clock.a = timings.stepDownMs - 1;
    await expect(a.tick('a')).rejects.toThrow(/unreachable/);
    expect(a.holds()).toBe(true);
    clock.a = timings.stepDownMs;
    expect(a.holds()).toBe(false);
  });

  it('a holder that was taken over while paused loses the lease at its next tick', async () => {
    const { a, b, clock } = twoInstances();
    await a.tick('a');
    await b.tick('b');
    clock.b = timings.ttlMs;
    expect(await b.tick('b')).toBe(true);
    clock.a = 60_000;
    expect(await a.tick('a')).toBe(false);
    expect(a.holds()).toBe(false);
    expect(b.holds()).toBe(true);
  });

  it('a holder back from an outage nobody used renews at the same revision', async () => {
    const { a, key, clock } = twoInstances();
    await a.tick('a');
    key.state.down = true;
    clock.a = 10_000;
    await expect(a.tick('a')).rejects.toThrow();
    key.state.down = false;
    expect(await a.tick('a')).toBe(true);
  });

  it('a released lease is taken by the standby at its next tick', async () => {
    const { a, b } = twoInstances();
    await a.tick('a');
    await b.tick('b');
    await a.release();
    expect(a.holds()).toBe(false);
    expect(await b.tick('b')).toBe(true);
  });

  it('two standbys taking over at once: one wins', async () => {
    const key = memoryKey();
    const clocks = [0, 0, 0];
    const leases = clocks.map((_, i) => new Lease(key.port, timings, () => clocks[i]!));
    await leases[0]!.tick('0');
    await leases[1]!.tick('1');
    await leases[2]!.tick('2');
    clocks[1] = clocks[2] = timings.ttlMs;
    const won = await Promise.all([leases[1]!.tick('1'), leases[2]!.tick('2')]);
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
