// Carrying out a plan, one compare-and-set write at a time, in the plan's order, stopping at the
// first write that does not go through. The writes themselves are injected (the CLI sends them
// over HTTP), so the stopping rules are tested without a server.

/** @typedef {import('./plan.d.mts').Action} Action */
/** @typedef {import('./apply.d.mts').WriteOutcome} WriteOutcome */
/** @typedef {import('./apply.d.mts').ApplyResult} ApplyResult */

/**
 * Sends each action with `write`. A conflict (the pipe moved on: 412) or an error stops the run:
 * the writes before it stay done (each was a complete, valid write of its own), the rest are not
 * sent, and the result says which action stopped it and why.
 * @param {Action[]} actions
 * @param {{ write: (action: Action) => Promise<WriteOutcome>, onProgress?: (done: number, total: number) => void }} io
 * @returns {Promise<ApplyResult>}
 */
export async function applyActions(actions, { write, onProgress }) {
  /** @type {ApplyResult['done']} */
  const done = [];
  for (const action of actions) {
    let outcome;
    try {
      outcome = await write(action);
    } catch (error) {
      return { done, stopped: { action, error } };
    }
    if (outcome.kind === 'conflict') return { done, stopped: { action, conflict: outcome } };
    done.push({ name: action.name, op: action.op, ...(outcome.revision === undefined ? {} : { revision: outcome.revision }) });
    onProgress?.(done.length, actions.length);
  }
  return { done, stopped: null };
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
