import { filePipeOf, serializePipesFile } from '@/lib/files/pipes-json.mjs';
import type { Entry } from '@/lib/pipes/entry';

/** A bucket entry the mirror leaves out of pipes.json, and why. */
export type LeftOut = { key: string; revision: number; message: string };

/** pipes.json as the mirror writes it: the export's bytes of every valid pipe, and what it left out. */
export type MirrorFile = { text: string; pipes: number; leftOut: LeftOut[] };

/**
 * The mirror's pipes.json for the bucket's entries: the same bytes `npm run pipes -- export`
 * writes, so WaveHouse's strict decoder reads it; an invalid entry is left out (WaveHouse
 * would refuse the whole file for it) and listed.
 */
export function mirrorFileOf(entries: readonly Entry[]): MirrorFile {
  const pipes = [];
  const leftOut: LeftOut[] = [];
  for (const entry of entries) {
    if (entry.invalid || !entry.value) {
      leftOut.push({ key: entry.key, revision: entry.revision, message: entry.invalid?.message ?? 'no value' });
    } else {
      pipes.push(filePipeOf(entry.key, entry.value as Record<string, unknown>));
    }
  }
  leftOut.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { text: serializePipesFile(pipes), pipes: pipes.length, leftOut };
}
