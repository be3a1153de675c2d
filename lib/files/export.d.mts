import type { FilePipe, Listing } from './types.d.mts';

/** A pipe an export holds: as the files hold it, at the revision (and time) the bucket had it. */
export type Exported = { pipe: FilePipe; revision: number; updated?: string };

/** Every valid pipe of `listing`, sorted by name; invalid entries in `skipped`, with why. */
export function exportedPipes(listing: Listing): {
  exported: Exported[];
  skipped: { name: string; revision: number; reason: string }[];
};
