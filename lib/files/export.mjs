// What an export holds: every valid pipe of a listing (GET /api/pipes, or the console's own
// cache), as the files hold it, with the revision it was at; invalid entries are left out, with
// why. The files CLI writes it to a folder, the console's Export sends it as a download.
import { byCodeUnits, filePipeOf } from './pipes-json.mjs';

/** @typedef {import('./types.d.mts').Listing} Listing */
/** @typedef {import('./export.d.mts').Exported} Exported */

/**
 * @param {Listing} listing
 * @returns {{ exported: Exported[], skipped: { name: string, revision: number, reason: string }[] }}
 */
export function exportedPipes(listing) {
  /** @type {Exported[]} */
  const exported = [];
  /** @type {{ name: string, revision: number, reason: string }[]} */
  const skipped = [];
  for (const entry of [...listing.pipes].sort((a, b) => byCodeUnits(a.key, b.key))) {
    if (entry.invalid || !entry.value) {
      skipped.push({ name: entry.key, revision: entry.revision, reason: `invalid entry: ${entry.invalid?.message ?? 'no value'}` });
    } else {
      exported.push({
        pipe: filePipeOf(entry.key, entry.value),
        revision: entry.revision,
        ...(entry.updated === undefined ? {} : { updated: entry.updated }),
      });
    }
  }
  return { exported, skipped };
}
