import type { FilePipe, Finding, Sidecar } from './types.d.mts';

export declare const PIPES_FILE: string;
export declare const SIDECAR_FILE: string;
export declare const ROLES_FILE: string;

export function byCodeUnits(a: string, b: string): number;

/** A valid bucket value as pipes.json holds it: the five known fields, empty ones left out, named `name`. */
export function filePipeOf(name: string, value: Record<string, unknown>): FilePipe;

/** pipes.json's bytes: `{"pipes": [...]}` sorted by name, two-space JSON, final newline. */
export function serializePipesFile(pipes: FilePipe[]): string;

/** .pipes-export.json's bytes: `{"revisions": {...}}` sorted by name. */
export function serializeSidecar(revisions: Record<string, number>): string;

export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { finding: Finding };

/** Strict reading; `pipes` is null when there is any finding. */
export function decodePipesFile(
  bytes: Uint8Array,
  options?: { file?: string; roles?: readonly string[] | null },
): { pipes: FilePipe[] | null; findings: Finding[] };

/** roles.json: a JSON array of role names. */
export function decodeRolesFile(bytes: Uint8Array, file?: string): { roles: string[] | null; findings: Finding[] };

export function decodeSidecar(bytes: Uint8Array, file?: string): { sidecar: Sidecar | null; findings: Finding[] };

export function formatFinding(finding: Finding): string;
