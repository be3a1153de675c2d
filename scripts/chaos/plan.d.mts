import type { Random } from './random.d.mts';

export const FAULT_KINDS: readonly ['node-kill', 'node-freeze', 'leader-kill', 'leader-freeze', 'console-kill', 'cut'];

/**
 * node-kill / leader-kill: SIGKILL a NATS node (a chosen one, or the bucket stream's leader at
 * the time), start it again after `lastsMs`. node-freeze / leader-freeze: SIGSTOP, SIGCONT after
 * `lastsMs`. console-kill: SIGKILL a console, start it again on its port after `lastsMs`. cut:
 * reset every SSE connection through one console's proxy, or through both. recreate: delete the
 * bucket and create it again, with the writers paused around it.
 */
export type FaultKind = (typeof FAULT_KINDS)[number] | 'recreate';

export type Fault = {
  /** ms after the campaign started. */
  at: number;
  kind: FaultKind;
  /** A node or console index, the stream leader, every proxy, or the bucket. */
  target: number | 'leader' | 'all' | 'bucket';
  lastsMs: number;
};

/** Every kind, the re-creation included. */
export const ALL_KINDS: readonly FaultKind[];

export function planFaults(options: {
  seconds: number;
  random: Random;
  nodes?: number;
  consoles?: number;
  quietMs?: number;
  /** The kinds to draw from (default all); the re-creation only when named. */
  kinds?: readonly FaultKind[];
}): Fault[];

export function defaultQuietMs(seconds: number): number;

/** What a fault strikes: faults of one node or console class never overlap. */
export function classOf(kind: FaultKind): 'node' | 'console' | 'cut' | 'bucket';

/** The pause after a node fault healed, before the next node fault. */
export const NODE_SETTLE_MS: number;
