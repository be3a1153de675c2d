// The Import dialog's request, framework-free: which files were picked, read as which format, and
// the body POST /api/import takes. The server checks the files strictly; this only sorts them and
// keeps what a JSON string cannot carry (a byte-order mark, bytes that are not UTF-8) from being
// changed on the way: those are refused here, in the words the server would use.
import { decodeUtf8, ROLES_FILE } from '@/lib/files/pipes-json.mjs';
import type { FilesFormat, Finding } from '@/lib/files/types.d.mts';
import type { Bases, UploadedFile } from '@/lib/files/upload.d.mts';

/** A file the person picked: its name and its bytes (`await file.arrayBuffer()`). */
export type PickedFile = { name: string; bytes: Uint8Array };

export type ImportFiles = { format: FilesFormat; files: UploadedFile[]; roles?: string };

export type ImportBody = ImportFiles & { prune: boolean; apply: boolean; note?: string; bases?: Bases };

const lower = (name: string) => name.toLowerCase();

/**
 * Sorts the picked files: `.sql` files are a `.sql` import; otherwise one `.json` is the
 * pipes.json, and a file named roles.json beside it its roles. Mixing the two formats, a
 * roles.json without a pipes.json or with `.sql` files, and files of other kinds are refused.
 */
export function importFilesOf(picked: PickedFile[]): { ok: true; files: ImportFiles } | { ok: false; findings: Finding[] } {
  const findings: Finding[] = [];
  if (picked.length === 0)
    return { ok: false, findings: [{ file: 'files', message: 'none chosen: choose a pipes.json (and its roles.json), or .sql files' }] };
  const sql: UploadedFile[] = [];
  const json: UploadedFile[] = [];
  const roles: UploadedFile[] = [];
  for (const { name, bytes } of picked) {
    const decoded = decodeUtf8(bytes, name);
    if ('finding' in decoded) {
      findings.push(decoded.finding);
      continue;
    }
    const file = { name, text: decoded.text };
    if (lower(name).endsWith('.sql')) sql.push(file);
    else if (lower(name) === ROLES_FILE) roles.push(file);
    else if (lower(name).endsWith('.json')) json.push(file);
    else findings.push({ file: name, message: 'is neither a .json nor a .sql file' });
  }
  if (sql.length && json.length) {
    findings.push({ file: [...json, ...sql].map((f) => f.name).join(', '), message: 'choose either a pipes.json or .sql files, not both' });
  }
  if (roles.length > 1) findings.push({ file: ROLES_FILE, message: `chosen ${roles.length} times: choose one` });
  if (roles.length && sql.length) findings.push({ file: ROLES_FILE, message: 'goes with a pipes.json: .sql files hold no roles' });
  if (roles.length && !json.length && !sql.length)
    findings.push({ file: ROLES_FILE, message: 'alone: choose the pipes.json it goes with too' });
  if (findings.length) return { ok: false, findings };
  const format: FilesFormat = sql.length ? 'sql' : 'pipes-json';
  return { ok: true, files: { format, files: sql.length ? sql : json, ...(roles[0] ? { roles: roles[0].text } : {}) } };
}

/** The body of POST /api/import: a dry run, or (with `apply`) the writes against the plan's `bases`. */
export function importBody(files: ImportFiles, options: { prune: boolean; apply?: boolean; note?: string; bases?: Bases }): ImportBody {
  const note = options.note?.trim() ? options.note : undefined;
  return {
    ...files,
    prune: options.prune,
    apply: options.apply ?? false,
    ...(note === undefined ? {} : { note }),
    ...(options.bases ? { bases: options.bases } : {}),
  };
}
