import type { FaultKind } from './plan.d.mts';

export type Report = {
  seed: number;
  seconds: number;
  /** Faults the plan drew. */
  planned: number;
  /** Faults injected and healed, by kind. */
  faults: Record<string, number>;
  ops: { attempted: number; acked: number; refused: number; unknown: number; notSent: number };
  /** Changes the writers were told took effect. */
  acked: number;
  /** Acknowledged changes missing from the archive, plus counters that lost an acknowledged increment: must be 0. */
  lost: number;
  /** Keys × incarnations checked for linearizability, and how many passed. */
  verdicts: { checked: number; linearizable: number; undecided: number };
  counters: { key: string; epoch: string; final: number; acked: number; unknown: number; tookEffect: number; problems: string[] }[];
  archive: { records: number; required: number; missing: number };
  convergence: {
    /** The longest time from a fault healed until every client had every change acknowledged by then. */
    longestMs?: number;
    after?: string;
    each: { fault: string; at: number; ms?: number }[];
  };
  clients: { name: string; connections: number; events: number; snapshots: number; gaps: number }[];
  /** Revisions skipped in gaps that neither the archive nor a writer names. */
  unnamedGapRevisions: number;
  problems: string[];
  /** A folder with every console's output, when there were problems. */
  logs?: string;
};

export function runCampaign(options: {
  seconds: number;
  seed: number;
  /** The kinds of fault to draw (default all). */
  kinds?: readonly FaultKind[];
  log?: (line: string) => void;
}): Promise<Report>;
