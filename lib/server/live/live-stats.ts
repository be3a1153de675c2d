import 'server-only';

/**
 * What the event streams have sent, as plain counters the streams add to (a metrics library's
 * call per write would cost on the hot path); /api/metrics reads them.
 */
export type LiveStats = {
  /** Events written to streams (changes, snapshots, status and presence frames). */
  events: number;
  bytes: number;
  /** Times a stream fell behind (its queue full) and had its changes dropped. */
  behind: number;
  /** Fresh snapshots sent to streams that had fallen behind, once they drained. */
  resyncs: number;
};

const holder = globalThis as typeof globalThis & { __pipesLiveStats?: LiveStats };

/** The process's counters (on globalThis: Next evaluates this module once per bundle). */
export function liveStats(): LiveStats {
  return (holder.__pipesLiveStats ??= { events: 0, bytes: 0, behind: 0, resyncs: 0 });
}
