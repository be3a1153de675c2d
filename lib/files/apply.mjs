// Carrying out a plan: compare-and-set writes in the plan's order, a few at a time at most,
// stopping at the first write that does not go through. The writes themselves are injected (the
// CLI sends them over HTTP), so the stopping rules are tested without a server.

/** @typedef {import('./plan.d.mts').Action} Action */
/** @typedef {import('./apply.d.mts').WriteOutcome} WriteOutcome */
/** @typedef {import('./apply.d.mts').ApplyResult} ApplyResult */

/**
 * An import's writes on their way at once: the console's work on one overlaps the CLI's and the
 * network's on the next. Few enough that a conflict stops the import with little sent after it.
 */
export const WRITES_IN_FLIGHT = 4;

/**
 * Sends each action with `write`, in the plan's order, at most `concurrency` at a time (1: one
 * after the other), and never an action of the next kind (creates, then updates, then deletes)
 * before every one of the kind before it went through. A conflict (the pipe moved on: 412) or an
 * error stops the run: no write is sent after it, the writes already on their way finish (each
 * is a complete, valid write of its own, and counts as done when it went through), and the
 * result says which action stopped it and why — the first in the plan's order when several
 * failed. `done` is in the plan's order, whatever order the answers came in.
 * @param {Action[]} actions
 * @param {{ write: (action: Action) => Promise<WriteOutcome>, onProgress?: (done: number, total: number) => void, concurrency?: number }} io
 * @returns {Promise<ApplyResult>}
 */
export async function applyActions(actions, { write, onProgress, concurrency = 1 }) {
  /** @type {ApplyResult['done'][number][]} by the action's index */
  const outcomes = [];
  /** @type {{ index: number, stopped: NonNullable<ApplyResult['stopped']> } | undefined} */
  let first;
  let written = 0;
  let next = 0;
  /** @param {number} index  @param {NonNullable<ApplyResult['stopped']>} stopped */
  const stop = (index, stopped) => {
    if (!first || index < first.index) first = { index, stopped };
  };
  /** Sends actions until `end` (the end of a kind) or a stop. @param {number} end */
  const worker = async (end) => {
    while (!first && next < end) {
      const index = next++;
      const action = actions[index];
      let outcome;
      try {
        outcome = await write(action);
      } catch (error) {
        stop(index, { action, error });
        continue;
      }
      if (outcome.kind === 'conflict') {
        stop(index, { action, conflict: outcome });
        continue;
      }
      outcomes[index] = { name: action.name, op: action.op, ...(outcome.revision === undefined ? {} : { revision: outcome.revision }) };
      onProgress?.(++written, actions.length);
    }
  };
  const lanes = Math.max(1, Math.floor(concurrency));
  while (!first && next < actions.length) {
    let end = next;
    while (end < actions.length && actions[end].op === actions[next].op) end++;
    await Promise.all(Array.from({ length: Math.min(lanes, end - next) }, () => worker(end)));
  }
  return { done: outcomes.filter(Boolean), stopped: first?.stopped ?? null };
}

/**
 * A progress reporter for long runs: `tick(n)` says "n of total" every `every` items or once
 * `intervalMs` has passed since the last line, whichever comes first; never for the last item
 * (the summary says that) and never for a run shorter than `every` that ends within `intervalMs`.
 * @param {{ total: number, label: string, write: (line: string) => void, now?: () => number, every?: number, intervalMs?: number }} options
 */
export function progressReporter({ total, label, write, now = Date.now, every = 500, intervalMs = 1_000 }) {
  let last = now();
  return (/** @type {number} */ done) => {
    if (done >= total) return;
    const t = now();
    if (done % every === 0 || t - last >= intervalMs) {
      last = t;
      write(`${label} ${done}/${total}`);
    }
  };
}
