// A linearizability checker for one key of the bucket seen as a register with compare-and-set,
// the way Knossos and Porcupine check histories (Wing & Gong's search, memoized on the set of
// operations already placed and the register's state). Plain JS with JSDoc, so the chaos
// campaign (`npm run chaos`) and the tests share it.
//
// An operation has the time it was invoked and, when its outcome is known, the time it returned:
//   { kind: 'read', result: { revision, value } | null }      null: the key absent or deleted
//   { kind: 'write', value, result: { revision } }             an unconditional put
//   { kind: 'cas', expected, value, result: { revision } | 'refused' }   expected: a revision, or 0 for "absent"
//   { kind: 'delete', result: { revision } }
// An operation whose outcome is unknown (it timed out, its connection was cut) has no `returned`
// and no `result`: it may have taken effect at any time after it was invoked, or never.
// Revisions are the bucket's: every change that took effect has a higher one than the last.

/** @typedef {import('./linearizability.d.mts').Operation} Operation */
/** @typedef {import('./linearizability.d.mts').State} State */
/** @typedef {import('./linearizability.d.mts').Verdict} Verdict */

/**
 * The register after `op` applied to `state`, or undefined when `op` cannot have happened there
 * with the result it gave. A change whose outcome is unknown leaves the revision known only as a
 * lower bound (`exact: false`) until a later answer tells it.
 * @param {State} state
 * @param {Operation} op
 * @returns {State | undefined}
 */
function step(state, op) {
  const exact = state.exact !== false;
  /** Whether the register may be at `revision` now. */
  const at = (/** @type {number} */ revision) => (exact ? revision === state.revision : revision >= state.revision);
  /** The state after a change to `value`: at the revision it was given, or at least one more. */
  const changed = (/** @type {string | null} */ value, /** @type {{ revision: number } | undefined} */ result) => {
    if (!result) return { revision: state.revision + 1, value, exact: false };
    return result.revision > state.revision || (!exact && result.revision >= state.revision)
      ? { revision: result.revision, value }
      : undefined;
  };
  switch (op.kind) {
    case 'read': {
      const r = op.result;
      if (r === undefined) return state; // a read that never answered tells nothing
      if (r === null) return state.value === null ? state : undefined;
      return state.value === r.value && at(r.revision) ? { revision: r.revision, value: r.value } : undefined;
    }
    case 'write':
      return changed(op.value, op.result);
    case 'delete':
      return changed(null, op.result);
    case 'cas': {
      const holds = op.expected === 0 ? state.value === null : state.value !== null && at(op.expected);
      if (op.result === 'refused') return holds && exact ? undefined : state;
      if (!holds) return undefined;
      const base = exact ? state : { revision: op.expected, value: state.value };
      return changedFrom(base, op.value, op.result);
    }
  }
}

/**
 * @param {State} base
 * @param {string} value
 * @param {{ revision: number } | undefined} result
 * @returns {State | undefined}
 */
function changedFrom(base, value, result) {
  if (!result) return { revision: base.revision + 1, value, exact: false };
  return result.revision > base.revision ? { revision: result.revision, value } : undefined;
}

/**
 * Whether `history` is linearizable from `initial`: some order of its operations that respects
 * real time (one that returned before another was invoked comes first) and the register's rules,
 * with each unknown-outcome operation placed after its invocation or left out.
 * @param {Operation[]} history
 * @param {State} [initial] the register before the first operation (default: absent, revision 0)
 * @returns {Verdict}
 */
export function checkRegister(history, initial = { revision: 0, value: null }) {
  const ops = history.map((op, i) => ({ op, i, returned: op.returned ?? Infinity }));
  const mustPlace = ops.filter((o) => o.op.result !== undefined).length;
  /** @type {Set<string>} states known to lead nowhere */
  const dead = new Set();
  const placed = new Array(ops.length).fill(false);
  /** @type {number[]} */
  const order = [];

  /** @param {State} state  @param {number} known how many known-outcome operations are placed */
  const search = (state, known) => {
    if (known === mustPlace) return true;
    const memo = `${placed.map((p) => (p ? 1 : 0)).join('')}|${state.revision}|${state.exact !== false}|${state.value}`;
    if (dead.has(memo)) return false;
    // Only an operation invoked before every unplaced one has returned may come next.
    let horizon = Infinity;
    for (const o of ops) if (!placed[o.i] && o.returned < horizon) horizon = o.returned;
    for (const o of ops) {
      if (placed[o.i] || o.op.invoked > horizon) continue;
      const next = step(state, o.op);
      if (!next) continue;
      placed[o.i] = true;
      order.push(o.i);
      if (search(next, known + (o.op.result !== undefined ? 1 : 0))) return true;
      placed[o.i] = false;
      order.pop();
    }
    dead.add(memo);
    return false;
  };
  return search(initial, 0) ? { linearizable: true, order } : { linearizable: false };
}

/**
 * A smallest failing part of a history that is not linearizable: operations are dropped one by
 * one while what is left still fails (delta debugging), so a report shows only what breaks.
 * @param {Operation[]} history
 * @param {State} [initial]
 * @returns {Operation[]}
 */
export function minimalFailing(history, initial) {
  if (checkRegister(history, initial).linearizable) throw new Error('minimalFailing: the history is linearizable');
  let kept = [...history];
  for (let i = kept.length - 1; i >= 0; i--) {
    const without = [...kept.slice(0, i), ...kept.slice(i + 1)];
    if (!checkRegister(without, initial).linearizable) kept = without;
  }
  return kept;
}
