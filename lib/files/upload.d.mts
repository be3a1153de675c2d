import type { FilePipe, FilesFormat, Finding, Listing } from './types.d.mts';
import type { Plan } from './plan.d.mts';

/** A file as a request carries it: its name (no folder) and its text. */
export type UploadedFile = { name: string; text: string };

/** The revision a plan saw each pipe at; null: the pipe was not in the bucket (a create). */
export type Bases = Record<string, number | null>;

/** The pipes the files hold, or every reason they are refused (`pipes` null). */
export function decodeUploadedFiles(input: { format: FilesFormat; files: UploadedFile[]; roles?: string }): {
  pipes: FilePipe[] | null;
  findings: Finding[];
};

export function basesOf(plan: Plan): Bases;

export function planUpload(input: { format: FilesFormat; pipes: FilePipe[]; listing: Listing; bases?: Bases; prune?: boolean }): Plan;
