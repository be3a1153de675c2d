import { describe, expect, it } from 'vitest';
import { defaultQuietMs, FAULT_KINDS, planFaults } from './plan.mjs';
import type { Fault } from './plan.d.mts';
import { seededRandom } from './random.mjs';

const plan = (seed: number, seconds = 120) => planFaults({ seconds, random: seededRandom(seed) });
const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 + 1);
const ends = (f: Fault) => f.at + f.lastsMs;
const ofClass = (faults: Fault[], kinds: string[]) => faults.filter((f) => kinds.includes(f.kind));

describe('planFaults', () => {
  it('draws the same faults from the same seed', () => {
    expect(plan(42)).toEqual(plan(42));
  });

  it('draws other faults from another seed', () => {
    expect(plan(42)).not.toEqual(plan(43));
  });

  it('has every kind of fault, and one re-creation, in every 2-minute plan', () => {
    for (const seed of SEEDS) {
      const kinds = plan(seed).map((f) => f.kind);
      for (const kind of FAULT_KINDS) expect(kinds, `seed ${seed}`).toContain(kind);
      expect(
        kinds.filter((k) => k === 'recreate'),
        `seed ${seed}`,
      ).toHaveLength(1);
    }
  });

  it('never faults a second NATS node before the first healed', () => {
    for (const seed of SEEDS) {
      const nodeFaults = ofClass(plan(seed), ['node-kill', 'node-freeze', 'leader-kill', 'leader-freeze']);
      for (let i = 1; i < nodeFaults.length; i++) expect(nodeFaults[i]!.at, `seed ${seed}`).toBeGreaterThan(ends(nodeFaults[i - 1]!));
    }
  });

  it('never has both consoles down at once', () => {
    for (const seed of SEEDS) {
      const kills = ofClass(plan(seed), ['console-kill']);
      for (let i = 1; i < kills.length; i++) expect(kills[i]!.at, `seed ${seed}`).toBeGreaterThan(ends(kills[i - 1]!));
    }
  });

  it('runs no other fault from 10 s before the re-creation to 10 s after it', () => {
    for (const seed of SEEDS) {
      const faults = plan(seed);
      const recreate = faults.find((f) => f.kind === 'recreate')!;
      for (const f of faults.filter((f) => f.kind !== 'recreate')) {
        const clear = ends(f) < recreate.at - 10_000 || f.at >= recreate.at + 10_000;
        expect(clear, `seed ${seed}: ${f.kind} at ${f.at}–${ends(f)}, re-creation at ${recreate.at}`).toBe(true);
      }
    }
  });

  it('ends every fault before the quiet end of the campaign', () => {
    for (const seed of SEEDS) {
      for (const f of plan(seed)) expect(ends(f), `seed ${seed}`).toBeLessThanOrEqual(120_000 - defaultQuietMs(120));
    }
  });

  it('names a node, a console or a proxy that exists', () => {
    for (const seed of SEEDS) {
      for (const f of plan(seed)) {
        if (f.kind === 'node-kill' || f.kind === 'node-freeze') expect([0, 1, 2]).toContain(f.target);
        if (f.kind === 'console-kill') expect([0, 1]).toContain(f.target);
        if (f.kind === 'cut') expect([0, 1, 'all']).toContain(f.target);
      }
    }
  });

  it('draws only the kinds it is given', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const kinds = new Set(planFaults({ seconds: 120, random: seededRandom(seed), kinds: ['node-freeze', 'cut'] }).map((f) => f.kind));
      expect([...kinds].sort(), `seed ${seed}`).toEqual(['cut', 'node-freeze']);
    }
  });

  it('plans nothing for a campaign shorter than its warm-up and quiet end', () => {
    expect(plan(1, 12)).toEqual([]);
  });
});
