// The console's Import: files sent in a request (name and text) instead of read from a folder,
// checked by the same strict decoders, and planned against the bucket with the revisions of the
// plan the person looked at (`bases`) standing in for the export's sidecar — so that a change
// made between looking at the plan and applying it is a conflict, never overwritten unseen.
import { decodePipesFile, decodeRolesFile, PIPES_FILE, ROLES_FILE } from './pipes-json.mjs';
import { planImport } from './plan.mjs';
import { decodeSqlFile, isSqlFileName } from './sql-folder.mjs';

/** @typedef {import('./types.d.mts').FilePipe} FilePipe */
/** @typedef {import('./types.d.mts').Finding} Finding */
/** @typedef {import('./types.d.mts').FilesFormat} FilesFormat */
/** @typedef {import('./types.d.mts').Listing} Listing */
/** @typedef {import('./plan.d.mts').Plan} Plan */
/** @typedef {import('./upload.d.mts').UploadedFile} UploadedFile */
/** @typedef {import('./upload.d.mts').Bases} Bases */

const JSON_EXTENSION = '.json';
const ENCODER = new TextEncoder();

/**
 * The UTF-8 bytes of a text that came in a JSON string, or null when it holds a lone surrogate
 * (`"\ud800"` is legal JSON, but no UTF-8 bytes: encoding it would silently make it U+FFFD).
 * @param {string} text
 */
function utf8Of(text) {
  return /\p{Surrogate}/u.test(text) ? null : ENCODER.encode(text);
}

/** @param {string} name */
function fileNameProblem(name) {
  if (name === '' || name.length > 255) return 'is not a file name (1 to 255 characters)';
  if (/[/\\\0]/.test(name) || name === '.' || name === '..') return 'is not a file name: a plain name without a folder';
  return null;
}

/**
 * The pipes the files hold, read as strictly as `import` reads a folder, or every reason they
 * are refused (then `pipes` is null). `pipes-json`: exactly one `.json` file (any name, so a
 * browser's `pipes (1).json` passes) and, optionally, `roles` (the text of a roles.json) whose
 * roles every `allowed_roles` entry must be among. `sql`: one or more `.sql` files, each the
 * pipe named after it; `roles` does not apply (a `.sql` file holds no roles).
 * @param {{ format: FilesFormat, files: UploadedFile[], roles?: string }} input
 * @returns {{ pipes: FilePipe[] | null, findings: Finding[] }}
 */
export function decodeUploadedFiles({ format, files, roles }) {
  /** @type {Finding[]} */
  const findings = [];
  /** @type {FilePipe[]} */
  const pipes = [];
  const seen = new Set();
  /** @type {{ name: string, bytes: Uint8Array }[]} */
  const readable = [];
  for (const { name, text } of files) {
    const problem = fileNameProblem(name);
    if (problem) findings.push({ file: name, message: problem });
    else if (seen.has(name)) findings.push({ file: name, message: 'is given twice' });
    else {
      seen.add(name);
      const bytes = utf8Of(text);
      if (bytes === null) findings.push({ file: name, message: 'is not valid UTF-8' });
      else readable.push({ name, bytes });
    }
  }
  if (files.length === 0) {
    findings.push({
      file: format === 'sql' ? '.sql files' : PIPES_FILE,
      message: format === 'sql' ? 'none given: choose one or more .sql files' : 'not given: choose a pipes.json',
    });
  }

  if (format === 'pipes-json') {
    if (files.length > 1) {
      findings.push({
        file: files.map((f) => f.name).join(', '),
        message: `${files.length} files given: an import reads one ${PIPES_FILE}`,
      });
    }
    /** @type {string[] | null} */
    let declared = null;
    if (roles !== undefined) {
      const bytes = utf8Of(roles);
      if (bytes === null) findings.push({ file: ROLES_FILE, message: 'is not valid UTF-8' });
      else {
        const decoded = decodeRolesFile(bytes, ROLES_FILE);
        findings.push(...decoded.findings);
        declared = decoded.roles;
      }
    }
    if (files.length === 1 && readable.length === 1) {
      const [{ name, bytes }] = /** @type {[{ name: string, bytes: Uint8Array }]} */ (readable);
      if (!name.toLowerCase().endsWith(JSON_EXTENSION)) findings.push({ file: name, message: `is not a ${JSON_EXTENSION} file` });
      else {
        const decoded = decodePipesFile(bytes, { file: name, roles: declared });
        findings.push(...decoded.findings);
        if (decoded.pipes) pipes.push(...decoded.pipes);
      }
    }
  } else {
    for (const { name, bytes } of readable) {
      if (!isSqlFileName(name)) {
        findings.push({ file: name, message: 'is not a .sql file' });
        continue;
      }
      const decoded = decodeSqlFile(name, bytes, name);
      if ('finding' in decoded) findings.push(decoded.finding);
      else pipes.push(decoded.pipe);
    }
  }
  return findings.length ? { pipes: null, findings } : { pipes, findings };
}

/**
 * The revisions a plan was made against, for every pipe it speaks for: what each action and each
 * unchanged pipe was at, null for a pipe it would create (the bucket did not hold it).
 * @param {Plan} plan
 * @returns {Bases}
 */
export function basesOf(plan) {
  /** @type {Bases} */
  const bases = Object.create(null); // a pipe may be named `__proto__`
  for (const a of plan.actions) bases[a.name] = a.op === 'create' ? null : a.current;
  for (const u of plan.unchanged) bases[u.name] = u.revision;
  return bases;
}

/**
 * The plan of an upload. Without `bases` (the first look) each write expects the revision the
 * listing shows now. With the `bases` of the plan that was shown, each write expects what that
 * plan saw, and an action that plan did not show is a conflict: a pipe changed, deleted or
 * created since (where the files differ from it), or one that came into the bucket since
 * (a prune would delete it unseen).
 * @param {{ format: FilesFormat, pipes: FilePipe[], listing: Listing, bases?: Bases, prune?: boolean }} input
 * @returns {Plan}
 */
export function planUpload({ format, pipes, listing, bases, prune = false }) {
  /** @type {Record<string, number>} */
  const revisions = Object.create(null); // as in basesOf
  for (const [name, revision] of Object.entries(bases ?? {})) if (revision !== null) revisions[name] = revision;
  const plan = planImport({ format, pipes, listing, sidecar: bases ? { revisions } : null, prune });
  if (!bases) return plan;
  for (const action of plan.actions) {
    const seen = Object.hasOwn(bases, action.name) ? bases[action.name] : undefined;
    const now = action.current === null ? 'it does not exist now' : `it is at revision ${action.current} now`;
    if (seen === undefined) {
      action.conflict = `not in the plan that was shown (${now}): make the plan again`;
    } else if (seen === null) {
      if (action.op !== 'create') action.conflict = `created by someone else after the plan was made (${now})`;
    } else if (action.current === null) {
      action.conflict = `deleted after the plan was made (the plan saw revision ${seen})`;
    } else if (action.conflict || action.current !== seen) {
      action.conflict = `changed after the plan was made (the plan saw revision ${seen}, ${now})`;
    }
  }
  return plan;
}
