/** Where a value sits in a document: object keys and array indexes from the top. */
export type JsonPath = (string | number)[];

/** A key written twice in one object: `path` is the object's, line and column the second key's. */
export type DuplicateKey = { path: JsonPath; key: string; line: number; column: number };

export type ScanResult =
  { ok: true; value: unknown; duplicates: DuplicateKey[] } | { ok: false; message: string; line: number; column: number };

export declare const MAX_SCAN_DEPTH: number;

export function scanJson(text: string): ScanResult;
export function lineColumn(text: string, offset: number): { line: number; column: number };
export function formatPath(path: JsonPath): string;
