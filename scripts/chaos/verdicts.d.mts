import type { Operation } from './linearizability.d.mts';

type Change = {
  /** The bucket's incarnation (its stream's creation time). */
  epoch: string;
  key: string;
  revision: number;
  operation: 'PUT' | 'DEL' | 'PURGE';
  /** A PUT's SQL, which names the value the campaign wrote. */
  sql?: string;
};

/** A change a writer was told took effect at `revision`. */
export type Acked = Change;
/** One record of the change archive, as the campaign reads it. */
export type ArchivedRevision = Change;

export function counterVerdict(
  key: string,
  ops: Operation[],
  final: number,
): { acked: number; unknown: number; tookEffect: number; problems: string[] };

export function archiveVerdict(records: ArchivedRevision[], required: Acked[]): { problems: string[]; missing: number };

export function gapVerdict(
  client: string,
  gaps: { from: number; to: number; at: number }[],
  revisions: Map<number, { key: string; operation: string }>,
  history: number,
  /** Whether a purge of `key` had been sent by time `at`. */
  purgedBy: (key: string, at: number) => boolean,
): { problems: string[]; unnamed: number };
