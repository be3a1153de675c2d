import type { FilePipe, Finding } from './types.d.mts';

export declare const SQL_EXTENSION: string;
export function isSqlFileName(fileName: string): boolean;
export function sqlFileName(name: string): string;

export function decodeSqlFile(
  fileName: string,
  bytes: Uint8Array,
  file?: string,
): { pipe: { name: string; sql: string } } | { finding: Finding };

export function sqlExportFiles(pipes: FilePipe[]): {
  files: { fileName: string; name: string; text: string }[];
  skipped: { name: string; reason: string }[];
};
