import { describe, expect, it } from 'vitest';
import type { Operation } from './linearizability.d.mts';
import { archiveVerdict, counterVerdict, gapVerdict } from './verdicts.mjs';
import type { Acked } from './verdicts.d.mts';

const inc = (value: string, result?: { revision: number } | 'refused'): Operation => ({
  kind: 'cas',
  invoked: 0,
  expected: 1,
  value,
  ...(result ? { returned: 1, result } : {}),
});

describe('counterVerdict', () => {
  it('passes a count of the acknowledged increments plus some unknown ones', () => {
    const ops = [inc('1', { revision: 1 }), inc('2', 'refused'), inc('2', { revision: 2 }), inc('3')];
    expect(counterVerdict('c', ops, 3)).toEqual({ acked: 2, unknown: 1, tookEffect: 1, problems: [] });
  });

  it('reports two acknowledged increments that wrote the same count', () => {
    const { problems } = counterVerdict('c', [inc('1', { revision: 1 }), inc('1', { revision: 2 })], 2);
    expect(problems).toEqual(['c: 2 acknowledged increments all wrote 1 (a lost update)']);
  });

  it('reports a final count below an acknowledged increment', () => {
    const { problems } = counterVerdict('c', [inc('1', { revision: 1 }), inc('2', { revision: 2 })], 1);
    expect(problems).toContain('c: the bucket holds 1, but an increment to 2 was acknowledged');
  });

  it('reports a final count above every increment that could have taken effect', () => {
    const { problems } = counterVerdict('c', [inc('1', { revision: 1 }), inc('2')], 3);
    expect(problems).toEqual(['c: the bucket holds 3, more than the 1 acknowledged and 1 unknown increments']);
  });
});

const acked = (revision: number, key = 'k', sql = `SELECT ${revision}`): Acked => ({ epoch: 'e1', key, revision, operation: 'PUT', sql });

describe('archiveVerdict', () => {
  it('passes when every acknowledged change has its one record', () => {
    expect(archiveVerdict([acked(1), acked(2), acked(3, 'other')], [acked(1), acked(3, 'other')])).toEqual({ problems: [], missing: 0 });
  });

  it('reports an acknowledged change the archive lacks', () => {
    expect(archiveVerdict([acked(1)], [acked(1), acked(2)])).toEqual({
      problems: ['k: acknowledged PUT at revision 2 is not in the archive'],
      missing: 1,
    });
  });

  it('reports two records of one revision', () => {
    expect(archiveVerdict([acked(1), acked(1, 'other')], []).problems).toEqual(['revision 1 has 2 records (keys k, other)']);
  });

  it('keeps revisions of two incarnations of the bucket apart', () => {
    expect(archiveVerdict([acked(1), { ...acked(1), epoch: 'e2' }], [{ ...acked(1), epoch: 'e2' }]).problems).toEqual([]);
  });

  it('reports a record whose value is not the one written', () => {
    expect(archiveVerdict([acked(1, 'k', 'SELECT 9')], [acked(1)]).problems).toEqual([
      'revision 1: the archive says PUT k SELECT 9, the writer was told PUT k SELECT 1',
    ]);
  });
});

describe('gapVerdict', () => {
  const put = (key: string) => ({ key, operation: 'PUT' });
  const always = () => true;
  const never = () => false;
  const revisions = new Map([
    [1, put('a')],
    [2, put('b')],
    [3, put('c')],
    [4, put('a')],
    [5, { key: 'b', operation: 'PURGE' }],
    [6, put('a')],
  ]);

  it('passes a gap over a revision a later purge of its key removed', () => {
    expect(gapVerdict('client 1', [{ from: 1, to: 3, at: 10 }], revisions, 64, always)).toEqual({ problems: [], unnamed: 0 });
  });

  it("passes a gap over a revision pushed out of the key's history by later changes", () => {
    expect(gapVerdict('client 1', [{ from: 0, to: 2, at: 10 }], revisions, 2, never)).toEqual({ problems: [], unnamed: 0 });
  });

  it('reports a gap over a revision the bucket still held', () => {
    expect(gapVerdict('client 1', [{ from: 2, to: 4, at: 10 }], revisions, 64, always).problems).toEqual([
      'client 1: jumped from 2 to 4 over revision 3 of c, which the bucket still held',
    ]);
  });

  it('reports a gap over a revision whose key was purged only after the jump', () => {
    expect(gapVerdict('client 1', [{ from: 1, to: 3, at: 10 }], revisions, 64, never).problems).toEqual([
      'client 1: jumped from 1 to 3 over revision 2 of b, which the bucket still held',
    ]);
  });

  it('counts the revisions no record names', () => {
    expect(gapVerdict('client 1', [{ from: 6, to: 9, at: 10 }], revisions, 64, always)).toEqual({ problems: [], unnamed: 2 });
  });
});
