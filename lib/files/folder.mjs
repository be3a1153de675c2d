// The folder side of the files CLI: reading a folder of pipes (pipes.json or `.sql` files, its
// roles.json and the export's sidecar) into checked pipes, and writing an export so that no
// reader ever sees half a file (each written to a temporary file in the folder, then renamed).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodePipesFile,
  decodeRolesFile,
  decodeSidecar,
  PIPES_FILE,
  ROLES_FILE,
  serializePipesFile,
  serializeSidecar,
  SIDECAR_FILE,
} from './pipes-json.mjs';
import { decodeSqlFile, isSqlFileName, sqlExportFiles, sqlFileName } from './sql-folder.mjs';

/** @typedef {import('./types.d.mts').FilePipe} FilePipe */
/** @typedef {import('./types.d.mts').Finding} Finding */
/** @typedef {import('./types.d.mts').FilesFormat} FilesFormat */
/** @typedef {import('./types.d.mts').FilesRead} FilesRead */
/** @typedef {import('./types.d.mts').Sidecar} Sidecar */

/** @param {string} path  @returns {Promise<Buffer | null>} null when there is no such file */
async function readIfExists(path) {
  try {
    return await readFile(path);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') return null;
    throw err;
  }
}

/** @param {string} dir  @returns {Promise<import('node:fs').Dirent[] | string>} the entries, or why the folder cannot be read */
async function listFolder(dir) {
  try {
    if (!(await stat(dir)).isDirectory()) return 'is not a folder';
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`;
  }
}

/**
 * The sidecar of `dir`, null when it has none.
 * @param {string} dir
 * @returns {Promise<{ sidecar: Sidecar | null, findings: Finding[], bytes: Buffer | null }>}
 */
export async function readSidecar(dir) {
  const bytes = await readIfExists(join(dir, SIDECAR_FILE));
  if (bytes === null) return { sidecar: null, findings: [], bytes };
  return { ...decodeSidecar(bytes, join(dir, SIDECAR_FILE)), bytes };
}

/**
 * Reads and checks what `dir` holds. Without `format`: pipes.json when it is there, else the
 * top-level `.sql` files; a folder with both, or neither, is refused (say which with `format`).
 * Every problem found is in `findings`; when there is any, nothing may be written.
 * @param {string} dir
 * @param {{ format?: FilesFormat }} [options]
 * @returns {Promise<FilesRead>}
 */
export async function readFilesFolder(dir, { format } = {}) {
  const entries = await listFolder(dir);
  if (typeof entries === 'string')
    return { format: format ?? 'pipes-json', pipes: [], findings: [{ file: dir, message: entries }], sidecar: null };
  const sqlEntries = entries.filter((e) => isSqlFileName(e.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hasPipesFile = entries.some((e) => e.name === PIPES_FILE);
  if (!format) {
    if (hasPipesFile && sqlEntries.length) {
      const findings = [
        { file: dir, message: `holds both ${PIPES_FILE} and .sql files: say which to read with --format pipes-json or --format sql` },
      ];
      return { format: 'pipes-json', pipes: [], findings, sidecar: null };
    }
    if (!hasPipesFile && !sqlEntries.length) {
      const findings = [
        { file: dir, message: `holds neither ${PIPES_FILE} nor any .sql file (give --format sql to read an empty folder of .sql files)` },
      ];
      return { format: 'pipes-json', pipes: [], findings, sidecar: null };
    }
  }
  const chosen = format ?? (hasPipesFile ? 'pipes-json' : 'sql');
  const { sidecar, findings } = await readSidecar(dir);
  /** @type {FilePipe[]} */
  const pipes = [];
  if (chosen === 'pipes-json') {
    const file = join(dir, PIPES_FILE);
    const rolesBytes = await readIfExists(join(dir, ROLES_FILE));
    const roles = rolesBytes === null ? null : decodeRolesFile(rolesBytes, join(dir, ROLES_FILE));
    if (roles) findings.push(...roles.findings);
    const bytes = await readIfExists(file);
    if (bytes === null) findings.push({ file, message: 'does not exist' });
    else {
      const decoded = decodePipesFile(bytes, { file, roles: roles?.roles ?? null });
      findings.push(...decoded.findings);
      if (decoded.pipes) pipes.push(...decoded.pipes);
    }
  } else {
    for (const entry of sqlEntries) {
      const file = join(dir, entry.name);
      if (!entry.isFile()) {
        findings.push({
          file,
          message: `is ${entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; a pipe is a plain .sql file`,
        });
        continue;
      }
      const decoded = decodeSqlFile(entry.name, await readFile(file), file);
      if ('finding' in decoded) findings.push(decoded.finding);
      else pipes.push(decoded.pipe);
    }
  }
  return { format: chosen, pipes: findings.length ? [] : pipes, findings, sidecar };
}

/**
 * Writes `text` to `path` so that a reader sees the old bytes or the new ones, never a mix: a
 * temporary file beside it (same folder, so the rename cannot cross file systems), then a rename.
 * `durable` also flushes it to disk first (for the files a crash must not leave empty).
 * @param {string} path
 * @param {string} text
 * @param {{ durable?: boolean }} [options]
 */
export async function writeFileAtomic(path, text, { durable = true } = {}) {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Writes `text` unless the file already holds exactly these bytes (a re-export leaves unchanged
 * files, and their times, alone). Returns whether it wrote.
 * @param {string} path
 * @param {string} text
 * @param {{ durable?: boolean, previous?: Buffer | null }} [options]
 */
async function writeIfChanged(path, text, { durable = true, previous } = {}) {
  const old = previous === undefined ? await readIfExists(path) : previous;
  if (old !== null && old.equals(Buffer.from(text, 'utf8'))) return false;
  await writeFileAtomic(path, text, { durable });
  return true;
}

/**
 * Writes the sidecar when its bytes change. Returns whether it wrote.
 * @param {string} dir
 * @param {Sidecar} sidecar
 */
export function writeSidecar(dir, sidecar) {
  return writeIfChanged(join(dir, SIDECAR_FILE), serializeSidecar(sidecar.revisions));
}

/**
 * Why an export of `format` into `dir` would leave a folder an import cannot read, or null.
 * @param {string} dir
 * @param {FilesFormat} format
 */
export async function exportTargetProblem(dir, format) {
  const entries = await listFolder(dir);
  if (entries === 'does not exist') return null;
  if (typeof entries === 'string') return `${dir} ${entries}`;
  if (format === 'sql' && entries.some((e) => e.name === PIPES_FILE)) {
    return `${dir} already holds ${PIPES_FILE}: export --format sql into a folder of its own`;
  }
  if (format === 'pipes-json' && entries.some((e) => isSqlFileName(e.name))) {
    return `${dir} already holds .sql files: export --format pipes-json into a folder of its own`;
  }
  return null;
}

/**
 * Writes an export: pipes.json, or one `.sql` file per pipe, then the sidecar with the revisions
 * — last, so that a crash in between leaves a sidecar older than the files (a later import then
 * sees conflicts it need not), never one newer than them (it would undo changes silently).
 * In a `.sql` export, files an earlier export wrote for pipes the bucket no longer holds (the
 * old sidecar lists them) are removed; other `.sql` files are left, and named in `strays`.
 * @param {string} dir
 * @param {FilesFormat} format
 * @param {{ pipe: FilePipe, revision: number }[]} exported
 * @param {{ onProgress?: (done: number, total: number) => void }} [options]
 */
export async function writeExport(dir, format, exported, { onProgress } = {}) {
  await mkdir(dir, { recursive: true });
  const previous = await readSidecar(dir);
  /** @type {string[]} */
  const written = [];
  /** @type {string[]} */
  const removed = [];
  /** @type {string[]} */
  const strays = [];
  /** @type {Record<string, number>} */
  const revisions = {};
  /** @type {{ name: string, reason: string }[]} */
  let skipped = [];
  if (format === 'pipes-json') {
    if (await writeIfChanged(join(dir, PIPES_FILE), serializePipesFile(exported.map((e) => e.pipe)))) written.push(PIPES_FILE);
    for (const { pipe, revision } of exported) revisions[pipe.name] = revision;
  } else {
    const { files, skipped: notFiles } = sqlExportFiles(exported.map((e) => e.pipe));
    skipped = notFiles;
    const revisionOf = new Map(exported.map((e) => [e.pipe.name, e.revision]));
    let done = 0;
    for (const { fileName, name, text } of files) {
      // Not flushed one by one (thousands of fsyncs); the sidecar, written last, is.
      if (await writeIfChanged(join(dir, fileName), text, { durable: false })) written.push(fileName);
      revisions[name] = /** @type {number} */ (revisionOf.get(name));
      onProgress?.(++done, files.length);
    }
    const exportedFiles = new Set(files.map((f) => f.fileName));
    const earlier = new Set(Object.keys(previous.sidecar?.revisions ?? {}).map(sqlFileName));
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!isSqlFileName(entry.name) || exportedFiles.has(entry.name)) continue;
      if (entry.isFile() && earlier.has(entry.name)) {
        await rm(join(dir, entry.name));
        removed.push(entry.name);
      } else strays.push(entry.name);
    }
  }
  const sidecarBytes = serializeSidecar(revisions);
  if (await writeIfChanged(join(dir, SIDECAR_FILE), sidecarBytes, { previous: previous.bytes })) written.push(SIDECAR_FILE);
  return { written, removed, strays, skipped, sidecarProblem: previous.findings };
}
