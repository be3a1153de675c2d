import { setTimeout as sleep } from 'node:timers/promises';
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

describe('applyActions with concurrency', () => {
  /** A write that answers after `ms[name]` milliseconds, as `outcome[name]` (written by default), logging what it sees. */
  const timedWrites = (ms: Record<string, number>, outcome: Record<string, WriteOutcome | Error> = {}) => {
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const write = async (a: Action): Promise<WriteOutcome> => {
      log.push(`start ${a.name}`);
      most = Math.max(most, ++inFlight);
      await sleep(ms[a.name] ?? 0);
      inFlight--;
      log.push(`end ${a.name}`);
      const o = outcome[a.name] ?? { kind: 'written', revision: 1 };
      if (o instanceof Error) throw o;
      return o;
    };
    return { write, log, most: () => most };
  };

  test("keeps at most `concurrency` writes on their way and lists them done in the plan's order", async () => {
    const w = timedWrites({ a: 30, b: 5, c: 15, d: 0, e: 5 });
    const progress: number[] = [];
    const result = await applyActions(
      ['a', 'b', 'c', 'd', 'e'].map((n) => action(n)),
      {
        write: w.write,
        concurrency: 2,
        onProgress: (d) => progress.push(d),
      },
    );
    expect(w.most()).toBe(2);
    expect(result.done.map((d) => d.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(result.stopped).toBeNull();
    expect(progress).toEqual([1, 2, 3, 4, 5]);
  });

  test('sends nothing after a conflict; a write already on its way finishes and counts as done', async () => {
    const conflict: WriteOutcome = { kind: 'conflict', message: '"b" is at revision 4', current: 4 };
    const w = timedWrites({ a: 0, b: 20, c: 40 }, { b: conflict });
    const result = await applyActions(
      ['a', 'b', 'c', 'd'].map((n) => action(n)),
      { write: w.write, concurrency: 2 },
    );
    expect(w.log.filter((l) => l.startsWith('start'))).toEqual(['start a', 'start b', 'start c']);
    expect(result.done.map((d) => d.name)).toEqual(['a', 'c']);
    expect(result.stopped).toEqual({ action: action('b'), conflict });
  });

  test("reports the first failure in the plan's order, not the first to answer", async () => {
    const conflict: WriteOutcome = { kind: 'conflict', message: '"a" is at revision 2', current: 2 };
    const w = timedWrites({ a: 20, b: 0 }, { a: conflict, b: new Error('503') });
    const result = await applyActions([action('a'), action('b'), action('c')], { write: w.write, concurrency: 2 });
    expect(result).toEqual({ done: [], stopped: { action: action('a'), conflict } });
  });

  test('starts no write of the next kind before every one of the kind before it went through', async () => {
    const w = timedWrites({ x: 20, y: 5 });
    await applyActions([action('x', 'create'), action('y', 'create'), action('z'), action('old', 'delete')], {
      write: w.write,
      concurrency: 4,
    });
    expect(w.log).toEqual(['start x', 'start y', 'end y', 'end x', 'start z', 'end z', 'start old', 'end old']);
    const refused = timedWrites({ x: 20 }, { y: { kind: 'conflict', message: '"y" exists', current: 3 } });
    const result = await applyActions([action('x', 'create'), action('y', 'create'), action('z')], {
      write: refused.write,
      concurrency: 4,
    });
    expect(refused.log).not.toContain('start z');
    expect(result.done.map((d) => d.name)).toEqual(['x']);
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
