import { exportedPipes } from '@/lib/files/export.mjs';
import { serializePipesFile } from '@/lib/files/pipes-json.mjs';
import type { Entry } from '@/lib/pipes/entry';

/** A bucket entry the mirror leaves out of pipes.json, and why. */
export type LeftOut = { key: string; revision: number; message: string };

/** pipes.json as the mirror writes it: the export's bytes of every valid pipe, and what it left out. */
export type MirrorFile = { text: string; pipes: number; leftOut: LeftOut[] };

/**
 * The mirror's pipes.json for the bucket's entries: what `npm run pipes -- export` and the UI's
 * Export write, so WaveHouse's strict decoder reads it; an invalid entry is left out (WaveHouse
 * would refuse the whole file for it) and listed.
 */
export function mirrorFileOf(revision: number, entries: readonly Entry[]): MirrorFile {
  const { exported, skipped } = exportedPipes({ revision, pipes: entries as Entry[] });
  return {
    text: serializePipesFile(exported.map((e) => e.pipe)),
    pipes: exported.length,
    leftOut: skipped.map((s) => ({ key: s.name, revision: s.revision, message: s.reason })),
  };
}
