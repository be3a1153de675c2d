// The live memory of a console under test — JS heap and external buffers after a full GC —
// through test/support/memory-probe.mjs, preloaded into it: RSS alone cannot tell a leak of a few
// MB from the garbage a busy process keeps.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from './poll';

const MEMORY_PROBE = pathToFileURL(path.resolve(import.meta.dirname, 'memory-probe.mjs')).href;

export type LiveMemory = { heapUsed: number; external: number; rss: number };

/** Where a console writes its samples, and the environment that makes it: pass `env` to the console. */
export function memoryProbe(): { file: string; env: Record<string, string> } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pipes-memory-')), 'memory.json');
  return {
    file,
    env: { PIPES_TEST_MEMORY_FILE: file, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${MEMORY_PROBE}`.trim() },
  };
}

/** The console's memory after a full GC: it is told to sample (SIGUSR2), then its file is read. */
export async function liveMemory(pid: number, file: string): Promise<LiveMemory> {
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { at: number }).at : 0;
  process.kill(pid, 'SIGUSR2');
  return waitFor(
    () => {
      if (!existsSync(file)) return undefined;
      const sample = JSON.parse(readFileSync(file, 'utf8')) as { at: number } & LiveMemory;
      return sample.at > previous ? sample : undefined;
    },
    { what: 'a memory sample from the console' },
  );
}
