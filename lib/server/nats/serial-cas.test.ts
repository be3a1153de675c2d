import { describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '@/lib/server/errors';
import { RevisionMismatchError } from './errors';
import { serialCas, type SerialCasIo } from './serial-cas';

vi.mock('server-only', () => ({}));

/**
 * A stream as nats-server before 2.9.21 treats a clustered one: the stream's last sequence is
 * checked as each message is stored, the key's revision is not checked at all (its pre-check
 * passes every write in flight at once).
 */
class Stream {
  last = 0;
  keys = new Map<string, number>();
  published: { key: string; expectedLast: number }[] = [];

  write(key: string): number {
    this.keys.set(key, ++this.last);
    return this.last;
  }

  /** Runs once before the next publish reaches the stream: another writer's change in between. */
  meanwhile: (() => void) | undefined;

  io(key: string, timeLeft = () => true): SerialCasIo {
    return {
      publish: async (_expectedRevision, expectedLast) => {
        await Promise.resolve(); // in flight: another write may be sent meanwhile
        this.meanwhile?.();
        this.meanwhile = undefined;
        this.published.push({ key, expectedLast });
        if (expectedLast !== this.last) throw new RevisionMismatchError(`wrong last sequence: ${this.last}`);
        return this.write(key);
      },
      streamLast: async () => this.last,
      keyLast: async () => this.keys.get(key) ?? 0,
      timeLeft,
    };
  }
}

describe('serialCas', () => {
  it('writes at once when nothing was written since the key’s revision', async () => {
    const stream = new Stream();
    const revision = stream.write('a');
    await expect(serialCas(stream.io('a'), revision)).resolves.toBe(2);
    expect(stream.published).toEqual([{ key: 'a', expectedLast: 1 }]);
  });

  it('expects the stream’s end as it reads it, so a change to another key before costs no second try', async () => {
    const stream = new Stream();
    const revision = stream.write('a');
    stream.write('b');
    await expect(serialCas(stream.io('a'), revision)).resolves.toBe(3);
    expect(stream.published).toEqual([{ key: 'a', expectedLast: 2 }]);
  });

  it('writes again from the stream’s new end when another key was written while it was in flight', async () => {
    const stream = new Stream();
    const revision = stream.write('a');
    stream.meanwhile = () => stream.write('b');
    await expect(serialCas(stream.io('a'), revision)).resolves.toBe(3);
    expect(stream.published.map((p) => p.expectedLast)).toEqual([1, 2]);
  });

  it('refuses when the key itself moved while it was in flight, and tries no more', async () => {
    const stream = new Stream();
    const revision = stream.write('a');
    stream.meanwhile = () => stream.write('a');
    await expect(serialCas(stream.io('a'), revision)).rejects.toThrow(new RevisionMismatchError('the key is at revision 2, not 1'));
    expect(stream.published).toHaveLength(1);
  });

  it('stores exactly one of three concurrent writes from the same revision', async () => {
    const stream = new Stream();
    const revision = stream.write('a');
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => serialCas(stream.io('a'), revision)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)).toEqual([
      expect.any(RevisionMismatchError),
      expect.any(RevisionMismatchError),
    ]);
    expect(stream.last).toBe(2);
  });

  it('starts a create (revision 0) from the stream’s last sequence', async () => {
    const stream = new Stream();
    stream.write('b');
    await expect(serialCas(stream.io('a'), 0)).resolves.toBe(2);
    expect(stream.published).toEqual([{ key: 'a', expectedLast: 1 }]);
  });

  it('gives up with a 503 kind of error, nothing written, when out of time with the key unchanged', async () => {
    const stream = new Stream();
    const revision = stream.write('a');
    stream.meanwhile = () => stream.write('b');
    await expect(
      serialCas(
        stream.io('a', () => false),
        revision,
      ),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(stream.last).toBe(2);
    expect(stream.keys.get('a')).toBe(1);
  });

  it('passes any other failure through without trying again', async () => {
    const io = new Stream().io('a');
    const timeout = new UnavailableError('NATS did not answer in time');
    io.publish = async () => Promise.reject(timeout);
    await expect(serialCas(io, 1)).rejects.toBe(timeout);
  });
});
