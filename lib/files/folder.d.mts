import type { FilePipe, FilesFormat, FilesRead, Finding, Sidecar } from './types.d.mts';

export function readSidecar(dir: string): Promise<{ sidecar: Sidecar | null; findings: Finding[]; bytes: Buffer | null }>;

export function readFilesFolder(dir: string, options?: { format?: FilesFormat }): Promise<FilesRead>;

export function writeFileAtomic(path: string, text: string, options?: { durable?: boolean }): Promise<void>;

export function writeSidecar(dir: string, sidecar: Sidecar): Promise<boolean>;

export function exportTargetProblem(dir: string, format: FilesFormat): Promise<string | null>;

export function writeExport(
  dir: string,
  format: FilesFormat,
  exported: { pipe: FilePipe; revision: number }[],
  options?: { onProgress?: (done: number, total: number) => void },
): Promise<{
  /** File names written (unchanged files are not). */
  written: string[];
  /** `.sql` files of pipes an earlier export wrote and the bucket no longer holds. */
  removed: string[];
  /** Other `.sql` files in the folder, which an import would create as pipes. */
  strays: string[];
  /** Pipes a `.sql` export cannot hold, with why. */
  skipped: { name: string; reason: string }[];
  /** Why the old sidecar could not be read (it was replaced). */
  sidecarProblem: Finding[];
}>;
