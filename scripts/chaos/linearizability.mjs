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
 * The search is bounded: past `maxStates` dead ends it gives up and says so (`undecided`),
 * as Knossos and Porcupine time out — many operations of unknown outcome in one history make
 * the number of orders to try explode.
 * @param {State} [initial] the register before the first operation (default: absent, revision 0)
 * @param {{ maxStates?: number }} [options]
 * @returns {Verdict}
 */
export function checkRegister(history, initial = { revision: 0, value: null }, { maxStates = 2_000_000 } = {}) {
  // In order of invocation, so the candidates for the next place are a prefix of the unplaced.
  const ops = history
    .map((op, i) => ({ op, i, returned: op.returned ?? Infinity, low: mix(i, 0x9e3779b1), high: mix(i, 0x7feb352d) }))
    .sort((a, b) => a.op.invoked - b.op.invoked);
  const mustPlace = ops.filter((o) => o.op.result !== undefined).length;
  // An unknown compare-and-set from a revision the register has passed can never take effect:
  // it counts as left out, so states that differ only in such operations are one state.
  const lapsable = ops.filter((o) => o.op.kind === 'cas' && o.op.result === undefined && o.op.expected > 0);
  /** @type {Set<string>} states known to lead nowhere */
  const dead = new Set();
  const placed = new Array(ops.length).fill(false);
  /** The set of placed operations as 64 bits, kept as they are placed and taken back. */
  let low = 0;
  let high = 0;
  /** @type {number[]} */
  const order = [];

  /** @param {State} state */
  const memoOf = (state) => {
    let setLow = low;
    let setHigh = high;
    for (const o of lapsable) {
      if (placed[o.i] || /** @type {{ expected: number }} */ (o.op).expected >= state.revision) continue;
      setLow ^= o.low;
      setHigh ^= o.high;
    }
    return `${setLow}.${setHigh}|${state.revision}|${state.exact !== false}|${state.value}`;
  };
  /** Only an operation invoked before every unplaced one has returned may come next. */
  const horizon = () => {
    let h = Infinity;
    for (const o of ops) if (!placed[o.i] && o.returned < h) h = o.returned;
    return h;
  };
  /** @param {(typeof ops)[number]} o */
  const toggle = (o) => {
    placed[o.i] = !placed[o.i];
    low ^= o.low;
    high ^= o.high;
  };

  // Depth-first with an explicit stack: a history has thousands of operations, more than the
  // call stack holds. A frame is a state reached, with the next candidate to try from it.
  /** @typedef {{ state: State, known: number, next: number, horizon: number, memo: string, via?: (typeof ops)[number] }} Frame */
  /** @type {Frame[]} */
  const stack = [{ state: initial, known: 0, next: 0, horizon: horizon(), memo: memoOf(initial) }];
  while (stack.length > 0) {
    const frame = /** @type {Frame} */ (stack.at(-1));
    if (frame.known === mustPlace) return { linearizable: true, order };
    let chosen;
    let next;
    for (; frame.next < ops.length && ops[frame.next].op.invoked <= frame.horizon; frame.next++) {
      const o = ops[frame.next];
      if (placed[o.i] || !(next = step(frame.state, o.op))) continue;
      chosen = o;
      frame.next++;
      break;
    }
    if (chosen && next) {
      toggle(chosen);
      const memo = memoOf(next);
      if (dead.has(memo)) {
        toggle(chosen);
        continue;
      }
      order.push(chosen.i);
      stack.push({
        state: next,
        known: frame.known + (chosen.op.result !== undefined ? 1 : 0),
        next: 0,
        horizon: horizon(),
        memo,
        via: chosen,
      });
      continue;
    }
    dead.add(frame.memo);
    if (dead.size > maxStates) return { linearizable: false, undecided: true };
    stack.pop();
    if (frame.via) {
      toggle(frame.via);
      order.pop();
    }
  }
  return { linearizable: false };
}

/** The longest failing prefix minimalFailing goes on to shrink. */
const MAX_TO_SHRINK = 300;

/**
 * A short failing part of a history that is not linearizable, for the report: the shortest
 * prefix (in order of invocation, with every operation invoked while one of it was running)
 * that fails, then without the reads and refusals that it still fails without. Only those are
 * dropped: they constrain the register and change nothing for the others, so what is left
 * fails for the history's own reason — dropping a write would break the chain of revisions the
 * later compare-and-sets start from and make a failure of its own.
 * @param {Operation[]} history
 * @param {State} [initial]
 * @returns {Operation[]}
 */
export function minimalFailing(history, initial) {
  const fails = (/** @type {Operation[]} */ ops) => {
    const verdict = checkRegister(ops, initial);
    return !verdict.linearizable && !verdict.undecided;
  };
  if (!fails(history)) throw new Error('minimalFailing: the history is linearizable, or too large to decide');
  const byInvocation = [...history].sort((a, b) => a.invoked - b.invoked);
  /** The first `n` operations and every one invoked before one of them had returned. */
  const prefix = (/** @type {number} */ n) => {
    const lastReturn = Math.max(...byInvocation.slice(0, n).map((op) => op.returned ?? -Infinity));
    return byInvocation.filter((op, i) => i < n || op.invoked < lastReturn);
  };
  let low = 1;
  let high = byInvocation.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (fails(prefix(middle))) high = middle;
    else low = middle + 1;
  }
  let kept = fails(prefix(low)) ? prefix(low) : byInvocation;
  // Each try is a whole search: past a few hundred operations the prefix is the report.
  if (kept.length > MAX_TO_SHRINK) return kept;
  const inert = (/** @type {Operation} */ op) => op.kind === 'read' || (op.kind === 'cas' && op.result === 'refused');
  for (let chunk = kept.filter(inert).length; chunk >= 1; chunk = Math.floor(chunk / 2)) {
    const candidates = kept.filter(inert);
    for (let at = 0; at < candidates.length; at += chunk) {
      const drop = new Set(candidates.slice(at, at + chunk));
      const without = kept.filter((op) => !drop.has(op));
      if (fails(without)) kept = without;
    }
  }
  return kept;
}

/**
 * A well-spread 32-bit code for operation `i` (murmur3's finaliser). Two of them XORed over a
 * set of operations name the set in 64 bits: a collision could only call a good history bad,
 * and takes billions of states to become likely.
 * @param {number} i  @param {number} seed
 */
function mix(i, seed) {
  let h = Math.imul(i + 1, seed);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
