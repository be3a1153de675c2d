import { describe, expect, test } from 'vitest';
import { applyActions, progressReporter } from './apply.mjs';
import type { Action } from './plan.d.mts';
import type { WriteOutcome } from './apply.d.mts';

const action = (name: string, op: Action['op'] = 'update'): Action => ({
  op,
  name,
  base: op === 'create' ? null : { revision: 1, from: 'bucket' },
  current: op === 'create' ? null : 1,
  changes: [],
  sqlDiff: '',
});

describe('applyActions', () => {
  test("writes every action in order and returns each one's new revision", async () => {
    const sent: string[] = [];
    let next = 10;
    const result = await applyActions([action('a', 'create'), action('b'), action('c', 'delete')], {
      write: async (a): Promise<WriteOutcome> => {
        sent.push(a.name);
        return a.op === 'delete' ? { kind: 'written' } : { kind: 'written', revision: next++ };
      },
    });
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(result).toEqual({
      done: [
        { name: 'a', op: 'create', revision: 10 },
        { name: 'b', op: 'update', revision: 11 },
        { name: 'c', op: 'delete' },
      ],
      stopped: null,
    });
  });

  test('stops at the first conflict: what came before stays done, nothing after it is sent', async () => {
    const sent: string[] = [];
    const result = await applyActions([action('a'), action('b'), action('c')], {
      write: async (a): Promise<WriteOutcome> => {
        sent.push(a.name);
        return a.name === 'b' ? { kind: 'conflict', message: '"b" is at revision 4', current: 4 } : { kind: 'written', revision: 9 };
      },
    });
    expect(sent).toEqual(['a', 'b']);
    expect(result.done.map((d) => d.name)).toEqual(['a']);
    expect(result.stopped).toEqual({ action: action('b'), conflict: { kind: 'conflict', message: '"b" is at revision 4', current: 4 } });
  });

  test('stops at the first error, keeping it', async () => {
    const error = new Error('503');
    const result = await applyActions([action('a'), action('b')], {
      write: async (a) => {
        if (a.name === 'a') throw error;
        return { kind: 'written', revision: 1 };
      },
    });
    expect(result).toEqual({ done: [], stopped: { action: action('a'), error } });
  });

  test('reports progress after each write', async () => {
    const seen: [number, number][] = [];
    await applyActions([action('a'), action('b')], {
      write: async () => ({ kind: 'written', revision: 1 }),
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(seen).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });
});

describe('progressReporter', () => {
  test('says how far it got every 500 items', () => {
    const lines: string[] = [];
    const tick = progressReporter({ total: 1200, label: 'written', write: (l) => lines.push(l), now: () => 0 });
    for (let i = 1; i <= 1200; i++) tick(i);
    expect(lines).toEqual(['written 500/1200', 'written 1000/1200']);
  });

  test('and whenever a second has passed since its last line', () => {
    const lines: string[] = [];
    let t = 0;
    const tick = progressReporter({ total: 10, label: 'written', write: (l) => lines.push(l), now: () => t });
    t = 400;
    tick(1);
    t = 1_000;
    tick(2);
    t = 1_500;
    tick(3);
    t = 2_000;
    tick(4);
    expect(lines).toEqual(['written 2/10', 'written 4/10']);
  });

  test('is silent for a short, quick run and for the last item', () => {
    const lines: string[] = [];
    const tick = progressReporter({ total: 500, label: 'x', write: (l) => lines.push(l), now: () => 0 });
    for (let i = 1; i <= 500; i++) tick(i);
    expect(lines).toEqual([]);
  });
});
