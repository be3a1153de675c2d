import type { FilePipe, FilesFormat, Finding, Listing, Sidecar } from './types.d.mts';

/** One field that an action changes; values shown as JSON. `sql`'s lines are in the action's `sqlDiff`. */
export type FieldChange = { field: string; kind: 'added' | 'removed' | 'changed'; before?: string; after?: string };

/** The revision a write expects: the sidecar's (`export`) or the one GET /api/pipes gave (`bucket`). */
export type Base = { revision: number; from: 'export' | 'bucket' };

export type Action = {
  op: 'create' | 'update' | 'delete';
  name: string;
  /** null for a create (`If-None-Match: *`). */
  base: Base | null;
  /** The revision the listing showed; null when the bucket does not hold the pipe. */
  current: number | null;
  /** The PUT body (create, update). */
  body?: Record<string, unknown>;
  changes: FieldChange[];
  /** Unified line diff of the SQL, bucket → files; '' when the SQL is the same. */
  sqlDiff: string;
  /** Why writing it would undo someone else's change, found before anything is written. */
  conflict?: string;
};

export type Plan = {
  format: FilesFormat;
  /** The bucket revision the listing was at. */
  revision: number;
  actions: Action[];
  unchanged: { name: string; revision: number }[];
  /** Pipes the console would refuse to create: the import is refused as a whole. */
  refusals: Finding[];
  /** Bucket entries the files do not speak for, with why. */
  ignored: { name: string; revision: number; reason: string }[];
};

export function jsonEqual(a: unknown, b: unknown): boolean;
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }): string;
export function fieldChanges(before: FilePipe | null, after: FilePipe, format: FilesFormat): FieldChange[];
export function putBody(key: string, current: Record<string, unknown> | null, file: FilePipe, format: FilesFormat): Record<string, unknown>;
export function planImport(input: {
  format: FilesFormat;
  pipes: FilePipe[];
  listing: Listing;
  sidecar: Sidecar | null;
  prune?: boolean;
}): Plan;
export function preconditionOf(action: Action): Record<string, string>;
export function nextSidecar(
  previous: Sidecar | null,
  plan: Plan,
  done: { name: string; op: Action['op']; revision?: number }[],
  listing: Listing,
  fileNames: Iterable<string>,
): Sidecar;
