export type Random = {
  /** In [0, 1). */
  next(): number;
  /** In [low, high). */
  between(low: number, high: number): number;
  /** An integer in [low, high]. */
  int(low: number, high: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** An independent source seeded from this one: a part of the campaign draws from its own. */
  fork(): Random;
};

export function seededRandom(seed: number): Random;
