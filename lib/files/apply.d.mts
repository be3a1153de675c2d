import type { Action } from './plan.d.mts';

/** What one write came to: done (with the revision it made; none for a delete), or refused by its precondition. */
export type WriteOutcome = { kind: 'written'; revision?: number } | { kind: 'conflict'; message: string; current: number | null };

export type ApplyResult = {
  done: { name: string; op: Action['op']; revision?: number }[];
  /** Where it stopped, or null when every action was written. */
  stopped: null | { action: Action; conflict: Extract<WriteOutcome, { kind: 'conflict' }> } | { action: Action; error: unknown };
};

/** An import's writes on their way at once. */
export declare const WRITES_IN_FLIGHT: number;

export function applyActions(
  actions: Action[],
  io: {
    write: (action: Action) => Promise<WriteOutcome>;
    onProgress?: (done: number, total: number) => void;
    /** Writes on their way at once, at most (default 1: one after the other). */
    concurrency?: number;
  },
): Promise<ApplyResult>;

export function progressReporter(options: {
  total: number;
  label: string;
  write: (line: string) => void;
  now?: () => number;
  every?: number;
  intervalMs?: number;
}): (done: number) => void;
