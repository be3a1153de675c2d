// The campaign's faults, drawn from its seed before anything starts: what happens, when, to
// what, and for how long. Pure, so the rules below are unit-tested:
// - every kind of fault comes at least once (when the campaign is long enough), in an order
//   drawn from the seed, then kinds drawn at random;
// - one NATS node at a time is faulted, and the next node fault waits until the last one healed
//   and the node had time to catch up: two of three down is an outage (no quorum), which the
//   outage tests cover, not a combination to survive;
// - one console at a time is down, so the SSE clients and writers always have one to go to;
// - cuts come at any time, over the other faults;
// - the bucket is recreated once, alone: the faults before it have healed and none starts until
//   it is done (the runner waits for it);
// - nothing is faulted in the first seconds (everything warming up) or the last `quietMs`
//   (the clients must converge, and the checks read a still cluster).

/** @typedef {import('./plan.d.mts').Fault} Fault */
/** @typedef {import('./plan.d.mts').FaultKind} FaultKind */

export const FAULT_KINDS = /** @type {const} */ (['node-kill', 'node-freeze', 'leader-kill', 'leader-freeze', 'console-kill', 'cut']);

/** @type {readonly FaultKind[]} */
export const ALL_KINDS = [...FAULT_KINDS, 'recreate'];

const WARM_UP_MS = 4_000;
/** After a node comes back, before the next node fault: it rejoins and catches up its streams. */
export const NODE_SETTLE_MS = 3_000;
/** How long the re-creation is kept clear of every other fault. */
const RECREATE_WINDOW_MS = 10_000;

/** @type {Record<FaultKind, [number, number]>} how long each kind lasts, in ms */
const LASTS = {
  'node-kill': [2_000, 8_000],
  'node-freeze': [1_000, 6_000],
  'leader-kill': [2_000, 8_000],
  'leader-freeze': [1_000, 6_000],
  'console-kill': [1_000, 4_000],
  cut: [0, 0],
};

/**
 * What a fault strikes, and so which faults may not overlap (one node, one console at a time).
 * @param {FaultKind} kind
 * @returns {'node' | 'console' | 'cut' | 'bucket'}
 */
export const classOf = (kind) => (kind === 'cut' ? 'cut' : kind === 'console-kill' ? 'console' : kind === 'recreate' ? 'bucket' : 'node');

/**
 * @param {{ seconds: number, random: import('./random.d.mts').Random, nodes?: number, consoles?: number, quietMs?: number, kinds?: readonly FaultKind[] }} options
 *   kinds: the kinds to draw from (default all), the re-creation among them or not
 * @returns {Fault[]} in order of `at` (ms after the campaign started)
 */
export function planFaults({ seconds, random, nodes = 3, consoles = 2, quietMs = defaultQuietMs(seconds), kinds = ALL_KINDS }) {
  const end = seconds * 1000 - quietMs;
  if (end <= WARM_UP_MS) return [];
  /** @type {Fault[]} */
  const faults = [];
  const drawn = FAULT_KINDS.filter((kind) => kinds.includes(kind));
  const recreateAt =
    kinds.includes('recreate') && end - WARM_UP_MS > 2 * RECREATE_WINDOW_MS
      ? Math.round(WARM_UP_MS + (end - WARM_UP_MS) * random.between(0.35, 0.65))
      : undefined;
  const window = recreateAt === undefined ? undefined : { from: recreateAt - NODE_SETTLE_MS - 8_000, to: recreateAt + RECREATE_WINDOW_MS };
  /** When each class of fault may start again. */
  const free = { node: 0, console: 0, cut: 0 };
  const firsts = shuffled([...drawn], random);
  let t = WARM_UP_MS;
  while (t < end && drawn.length > 0) {
    const kind = firsts.shift() ?? random.pick(drawn);
    const lasts = Math.round(random.between(...LASTS[kind]));
    const group = /** @type {'node' | 'console' | 'cut'} */ (classOf(kind));
    let at = Math.max(t, free[group]);
    // Nothing may be running at the re-creation: a fault that would overlap it starts after.
    if (window && at < window.to && at + lasts > window.from) at = Math.max(at, window.to);
    // Draws go on at their own pace; a fault whose class is busy waits, and one that no longer
    // fits before the quiet end is dropped.
    t += Math.round(random.between(500, 3_000));
    if (at + lasts > end) continue;
    faults.push({ at, kind, target: targetOf(kind, random, nodes, consoles), lastsMs: lasts });
    free[group] = at + lasts + (group === 'node' ? NODE_SETTLE_MS : 500);
  }
  if (recreateAt !== undefined) faults.push({ at: recreateAt, kind: 'recreate', target: 'bucket', lastsMs: 0 });
  return faults.sort((a, b) => a.at - b.at);
}

/** The last part of a campaign with no fault: 15 % of it, 10 to 30 s. */
export function defaultQuietMs(/** @type {number} */ seconds) {
  return Math.min(30_000, Math.max(10_000, Math.round(seconds * 150)));
}

/**
 * @param {FaultKind} kind  @param {import('./random.d.mts').Random} random  @param {number} nodes  @param {number} consoles
 * @returns {Fault['target']}
 */
function targetOf(kind, random, nodes, consoles) {
  if (kind === 'leader-kill' || kind === 'leader-freeze') return 'leader';
  if (kind === 'node-kill' || kind === 'node-freeze') return random.int(0, nodes - 1);
  if (kind === 'console-kill') return random.int(0, consoles - 1);
  return random.chance(0.3) ? 'all' : random.int(0, consoles - 1);
}

/**
 * @template T
 * @param {T[]} items  @param {import('./random.d.mts').Random} random
 */
function shuffled(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [/** @type {T} */ (items[j]), /** @type {T} */ (items[i])];
  }
  return items;
}
