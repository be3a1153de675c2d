// The shapes the files CLI works with, shared by lib/files and scripts/pipes.mjs.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A parameter as pipes.json holds it: the four known fields, `type` always, `required` only when true. */
export type FileParam = { name: string; type: string; required?: true; default?: JsonValue };

/**
 * A pipe as the files hold it: the five fields WaveHouse knows, empty ones left out (as Go's
 * omitempty leaves them out), in Go struct order. A `.sql` file holds only `name` and `sql`.
 */
export type FilePipe = {
  name: string;
  sql: string;
  parameters?: FileParam[];
  description?: string;
  allowed_roles?: string[];
};

/** One reason a file is refused: which file, which pipe, where in it, why. */
export type Finding = {
  file: string;
  pipe?: string;
  /** Where in the file, e.g. `pipes[3].parameters[0].type`. */
  path?: string;
  message: string;
  line?: number;
  column?: number;
};

/** An entry of GET /api/pipes (only what the CLI reads of it). */
export type BucketEntry = {
  key: string;
  revision: number;
  /** When the bucket stored the revision (ISO 8601). */
  updated?: string;
  value: Record<string, unknown> | null;
  invalid?: { message: string };
};

export type Listing = { revision: number; pipes: BucketEntry[] };

/** `.pipes-export.json`: the revision each pipe had when it was exported (or last imported). */
export type Sidecar = { revisions: Record<string, number> };

export type FilesFormat = 'pipes-json' | 'sql';

/** What a folder holds, read and checked: the pipes, or why it is refused. */
export type FilesRead = {
  format: FilesFormat;
  pipes: FilePipe[];
  findings: Finding[];
  sidecar: Sidecar | null;
};
