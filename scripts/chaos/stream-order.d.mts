/** Ids jumped from `from` to `to` (exclusive both) with no snapshot between; `at`: when. */
export type Gap = { from: number; to: number; at: number };

export class StreamOrder {
  /** key → revision, as the client holds the bucket. */
  state: Map<string, number>;
  at: number;
  loaded: boolean;
  violations: string[];
  gaps: Gap[];
  events: number;
  snapshots: number;
  connections: number;
  last: number | undefined;
  connected(resumedFrom?: number): void;
  receive(event: { event: string; data: string; id?: string }, now: number): void;
  violate(message: string): void;
}
