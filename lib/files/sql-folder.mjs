// A folder of `.sql` files, one pipe each, named after the file (`top_events.sql` → top_events),
// the file holding the SQL and nothing else: the layout the console's `.sql` bootstrap reads.
// The pipes' other fields (parameters, description, roles, fields WaveHouse adds) stay in the
// bucket, and an import keeps them.
import { decodeUtf8 } from './pipes-json.mjs';
import { CREATABLE_NAME_RULE, isCreatableName } from './rules.mjs';

/** @typedef {import('./types.d.mts').FilePipe} FilePipe */
/** @typedef {import('./types.d.mts').Finding} Finding */

export const SQL_EXTENSION = '.sql';

/** @param {string} fileName */
export const isSqlFileName = (fileName) => fileName.endsWith(SQL_EXTENSION);

/** @param {string} name */
export const sqlFileName = (name) => `${name}${SQL_EXTENSION}`;

/**
 * The pipe a `.sql` file holds, or why it is refused. Only names the console may create are
 * file names: any other key (one holding "/" or ".", say) could not round-trip through a file name.
 * @param {string} fileName the name in its folder, e.g. `top_events.sql`
 * @param {Uint8Array} bytes
 * @param {string} [file] how to name the file in a finding (its path)
 * @returns {{ pipe: { name: string, sql: string } } | { finding: Finding }}
 */
export function decodeSqlFile(fileName, bytes, file = fileName) {
  const name = fileName.slice(0, -SQL_EXTENSION.length);
  if (!isCreatableName(name)) {
    return {
      finding: {
        file,
        message: `${JSON.stringify(name)} is not a pipe name: a .sql file's name must be ${CREATABLE_NAME_RULE}, then ".sql"`,
      },
    };
  }
  const decoded = decodeUtf8(bytes, file);
  if ('finding' in decoded) return { finding: { ...decoded.finding, pipe: name } };
  if (decoded.text.trim() === '') return { finding: { file, pipe: name, message: 'is blank: a pipe needs SQL' } };
  return { pipe: { name, sql: decoded.text } };
}

/**
 * The files of an export as `.sql`: one per pipe whose name can be a file name, its SQL exactly
 * (no newline added, so the SQL reads back unchanged); the others are skipped, with why.
 * @param {FilePipe[]} pipes
 * @returns {{ files: { fileName: string, name: string, text: string }[], skipped: { name: string, reason: string }[] }}
 */
export function sqlExportFiles(pipes) {
  /** @type {{ fileName: string, name: string, text: string }[]} */
  const files = [];
  /** @type {{ name: string, reason: string }[]} */
  const skipped = [];
  for (const pipe of pipes) {
    if (isCreatableName(pipe.name)) files.push({ fileName: sqlFileName(pipe.name), name: pipe.name, text: pipe.sql });
    else skipped.push({ name: pipe.name, reason: `its name cannot be a .sql file's name (${CREATABLE_NAME_RULE})` });
  }
  return { files, skipped };
}
