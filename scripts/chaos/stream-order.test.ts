import { describe, expect, it } from 'vitest';
import { StreamOrder } from './stream-order.mjs';

const snapshot = (revision: number, pipes: [string, number][]) => ({
  event: 'snapshot',
  id: String(revision),
  data: JSON.stringify({ revision, pipes: pipes.map(([key, r]) => ({ key, revision: r })) }),
});
const put = (key: string, revision: number) => ({ event: 'put', id: String(revision), data: JSON.stringify({ key, revision }) });
const del = (key: string, revision: number) => ({ event: 'delete', id: String(revision), data: JSON.stringify({ key, revision }) });

function fed(...events: { event: string; id?: string; data: string }[]): StreamOrder {
  const order = new StreamOrder();
  order.connected();
  events.forEach((e, i) => order.receive(e, i));
  return order;
}

describe('StreamOrder', () => {
  it('holds what a snapshot and the changes after it say', () => {
    const order = fed(
      snapshot(3, [
        ['a', 1],
        ['b', 3],
      ]),
      put('a', 4),
      del('b', 5),
      put('c', 6),
    );
    expect([...order.state]).toEqual([
      ['a', 4],
      ['c', 6],
    ]);
    expect(order).toMatchObject({ at: 6, violations: [], gaps: [] });
  });

  it('reports an id that does not increase on one connection', () => {
    expect(fed(snapshot(3, []), put('a', 4), put('b', 4)).violations).toEqual(['id 4 after 4 on one connection']);
  });

  it('reports a change before any snapshot on a fresh connection', () => {
    expect(fed(put('a', 4)).violations).toEqual(['put 4 before any snapshot on a fresh connection']);
  });

  it('reports a change whose id is not its revision', () => {
    const order = fed(snapshot(3, []), { event: 'put', id: '4', data: JSON.stringify({ key: 'a', revision: 5 }) });
    expect(order.violations).toEqual(['put of a at revision 5 sent with id 4']);
  });

  it('notes a jump over revisions as a gap, with when it came', () => {
    expect(fed(snapshot(3, []), put('a', 4), put('a', 7)).gaps).toEqual([{ from: 4, to: 7, at: 2 }]);
  });

  it('takes a resumed connection on from the id it resumed from', () => {
    const order = fed(snapshot(3, []), put('a', 4));
    order.connected(4);
    order.receive(put('b', 5), 9);
    order.connected(5);
    order.receive(put('b', 5), 10);
    expect(order.gaps).toEqual([]);
    expect(order.violations).toEqual(['id 5 after 5 on one connection']);
  });

  it('starts afresh at a snapshot, even one with a lower id (a recreated bucket)', () => {
    const order = fed(snapshot(30, [['a', 30]]), snapshot(2, [['b', 2]]), put('b', 3));
    expect(order).toMatchObject({ violations: [], gaps: [], at: 3, snapshots: 2 });
    expect([...order.state]).toEqual([['b', 3]]);
  });

  it('ignores events without an id (status, presence)', () => {
    const order = fed({ event: 'status', data: '{}' }, snapshot(1, []));
    expect(order).toMatchObject({ violations: [], events: 1 });
  });
});
