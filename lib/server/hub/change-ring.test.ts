import { describe, expect, it } from 'vitest';
import { ChangeRing } from './change-ring';

const frame = (revision: number, bytes = 10) => ({ revision, bytes: Buffer.alloc(bytes) });

describe('ChangeRing', () => {
  it('returns exactly the frames after a revision it covers', () => {
    const ring = new ChangeRing(100, 10_000);
    ring.reset(4);
    [5, 6, 9, 12].forEach((r) => ring.push(frame(r)));
    expect(ring.since(4)?.map((f) => f.revision)).toEqual([5, 6, 9, 12]);
    expect(ring.since(6)?.map((f) => f.revision)).toEqual([9, 12]);
    expect(ring.since(7)?.map((f) => f.revision)).toEqual([9, 12]);
    expect(ring.since(12)).toEqual([]);
  });

  it('refuses revisions below its floor or beyond its head', () => {
    const ring = new ChangeRing(100, 10_000);
    ring.reset(4);
    ring.push(frame(5));
    expect(ring.since(3)).toBeUndefined();
    expect(ring.since(6)).toBeUndefined();
  });

  it('evicts by count and raises the floor to the evicted revision', () => {
    const ring = new ChangeRing(3, 10_000);
    ring.reset(0);
    for (let r = 1; r <= 5000; r++) ring.push(frame(r));
    expect(ring.length).toBe(3);
    expect(ring.floor).toBe(4997);
    expect(ring.since(4996)).toBeUndefined();
    expect(ring.since(4997)?.map((f) => f.revision)).toEqual([4998, 4999, 5000]);
  });

  it('evicts by bytes', () => {
    const ring = new ChangeRing(1000, 25);
    ring.reset(0);
    [1, 2, 3].forEach((r) => ring.push(frame(r, 10)));
    expect(ring.length).toBe(2);
    expect(ring.byteSize).toBe(20);
    expect(ring.since(1)?.map((f) => f.revision)).toEqual([2, 3]);
  });

  it('starts afresh on reset, so ids of a recreated bucket never mix with the old ones', () => {
    const ring = new ChangeRing(100, 10_000);
    ring.reset(0);
    [1, 2, 3].forEach((r) => ring.push(frame(r)));
    ring.reset(1);
    expect(ring.since(0)).toBeUndefined();
    expect(ring.since(3)).toBeUndefined();
    expect(ring.since(1)).toEqual([]);
  });
});
