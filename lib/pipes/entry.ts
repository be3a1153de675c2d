// The app's view of one KV entry (README, "HTTP API"). Framework- and NATS-free: the NATS adapter
// builds these at the edge, the API, the SSE channel and the browser all share them.
import type { Pipe } from './schema';

export type Entry = {
  key: string;
  revision: number;
  /** ISO 8601 time the server stored the revision. */
  updated: string;
  operation: 'PUT';
  /** The stored JSON object, every unknown field kept; null when the entry is invalid. */
  value: Pipe | null;
  /** The stored text, only when invalid. */
  raw?: string;
  invalid?: { message: string };
  /** Who wrote it, when a console wrote it. */
  actor?: string;
  /** Why, when the writer said (a change note). */
  note?: string;
  /** Lint findings that do not stop a save: only on the answers about one pipe (GET and PUT of it). */
  warnings?: string[];
};

/** A delete or purge of a key, as the watch saw it (the live channel's `delete` event). */
export type DeleteMarker = {
  key: string;
  revision: number;
  updated: string;
  operation: 'DEL' | 'PURGE';
  actor?: string;
  note?: string;
};

export type Change = Entry | DeleteMarker;

/** The actor of a change no console wrote. */
export const EXTERNAL = 'external';

/**
 * A change as history, the changes API and the feed give it: always with an actor, and where it
 * is still held — `bucket` (in the bucket's own history) or `archive` (only in the change archive).
 */
export type ArchivedChange = Change & { actor: string; source: 'bucket' | 'archive' };

export function isDeleteMarker(change: Change): change is DeleteMarker {
  return change.operation !== 'PUT';
}
