export class MissingCommandError extends Error {}

/** Absolute path of `cmd` on PATH or in the usual system directories, or null. */
export function findCommand(cmd: string): string | null;

/** The absolute path of `cmd`, installing `aptPackage` first when it is missing and we may (Debian, root). */
export function ensureCommand(cmd: string, aptPackage: string): Promise<string>;

/** PATH with `dir` in front (once). */
export function pathWith(dir: string, path?: string): string;
