// The import plan: what it takes to make the bucket hold what the files hold, as ordered
// compare-and-set writes, each with the revision it expects and what it changes. Pure: the
// files (already read and checked), GET /api/pipes and the export's sidecar in, actions out.
// `diff` is the same plan read as a report.
import { structuredPatch } from 'diff';
import { byCodeUnits, filePipeOf, SIDECAR_FILE } from './pipes-json.mjs';
import { CREATABLE_NAME_RULE, isCreatableName, PARAM_FIELDS, PIPE_FIELDS } from './rules.mjs';

/** @typedef {import('./types.d.mts').FilePipe} FilePipe */
/** @typedef {import('./types.d.mts').BucketEntry} BucketEntry */
/** @typedef {import('./types.d.mts').Listing} Listing */
/** @typedef {import('./types.d.mts').Sidecar} Sidecar */
/** @typedef {import('./types.d.mts').FilesFormat} FilesFormat */
/** @typedef {import('./plan.d.mts').Plan} Plan */
/** @typedef {import('./plan.d.mts').Action} Action */
/** @typedef {import('./plan.d.mts').FieldChange} FieldChange */
/** @typedef {import('./plan.d.mts').Base} Base */

/** A line diff of SQL bigger than this many edits is not worth printing; the change is still applied. */
const DIFF_TIMEOUT_MS = 2_000;

/** @param {unknown} v  @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Equality of JSON values; object key order carries no meaning.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function jsonEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  return keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length && keys.every((k) => jsonEqual(a[k], b[k]));
}

/**
 * A unified line diff from `before` to `after` ('' when they are equal), headed by the labels.
 * @param {string} before
 * @param {string} after
 * @param {{ from: string, to: string }} labels
 */
export function unifiedDiff(before, after, { from, to }) {
  if (before === after) return '';
  const patch = structuredPatch(from, to, before, after, undefined, undefined, { context: 3, timeout: DIFF_TIMEOUT_MS });
  if (!patch) return `--- ${from}\n+++ ${to}\n(the SQL differs too much to show line by line)\n`;
  const lines = [`--- ${from}`, `+++ ${to}`];
  for (const hunk of patch.hunks) {
    // An empty side is numbered from the line before it, as diff(1) numbers it (`@@ -0,0 +1,2 @@`).
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
    lines.push(`@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`, ...hunk.lines);
  }
  return `${lines.join('\n')}\n`;
}

/** @param {unknown} v */
const shown = (v) => JSON.stringify(v);

/**
 * @param {string} field
 * @param {unknown} before
 * @param {unknown} after
 * @returns {FieldChange | null}
 */
function fieldChange(field, before, after) {
  if (jsonEqual(before, after)) return null;
  /** @type {FieldChange} */
  const change = { field, kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed' };
  if (before !== undefined) change.before = shown(before);
  if (after !== undefined) change.after = shown(after);
  return change;
}

/**
 * The fields that differ between two pipes as the files hold them, in Go field order:
 * sql (its lines are in the unified diff), description, each parameter by name, their
 * order, allowed_roles.
 * @param {FilePipe | null} before
 * @param {FilePipe} after
 * @param {FilesFormat} format
 * @returns {FieldChange[]}
 */
export function fieldChanges(before, after, format) {
  /** @type {(FieldChange | null)[]} */
  const changes = [before?.sql === after.sql ? null : { field: 'sql', kind: before ? 'changed' : 'added' }];
  if (format === 'pipes-json') {
    changes.push(fieldChange('description', before?.description, after.description));
    const a = new Map((before?.parameters ?? []).map((p) => [p.name, p]));
    const b = new Map((after.parameters ?? []).map((p) => [p.name, p]));
    for (const name of new Set([...b.keys(), ...a.keys()])) changes.push(fieldChange(`parameters.${name}`, a.get(name), b.get(name)));
    const keptBefore = [...a.keys()].filter((n) => b.has(n));
    const keptAfter = [...b.keys()].filter((n) => a.has(n));
    if (!jsonEqual(keptBefore, keptAfter))
      changes.push({ field: 'parameters', kind: 'changed', before: shown(keptBefore), after: shown(keptAfter) });
    changes.push(fieldChange('allowed_roles', before?.allowed_roles, after.allowed_roles));
  }
  return changes.filter((c) => c !== null);
}

/** @param {Record<string, unknown> | null | undefined} obj  @param {readonly string[]} known */
const unknownFields = (obj, known) => Object.entries(obj ?? {}).filter(([k, v]) => !known.includes(k) && v !== undefined);

/**
 * The PUT body of an update: the file's known fields over the current value, so every field the
 * files cannot carry (e.g. `resolved_tables`, or a parameter's own extras, matched by name) is
 * kept as the console keeps it through every read-modify-write. A `.sql` file brings only the SQL.
 * @param {string} key
 * @param {Record<string, unknown> | null} current null when the entry is invalid
 * @param {FilePipe} file
 * @param {FilesFormat} format
 * @returns {Record<string, unknown>}
 */
export function putBody(key, current, file, format) {
  if (format === 'sql') return { ...(current ?? {}), name: key, sql: file.sql };
  /** @type {Record<string, unknown>} */
  const body = { name: key, sql: file.sql };
  if (file.parameters) {
    const currentParams = new Map((Array.isArray(current?.parameters) ? current.parameters : []).filter(isObject).map((p) => [p.name, p]));
    body.parameters = file.parameters.map((p) => ({ ...p, ...Object.fromEntries(unknownFields(currentParams.get(p.name), PARAM_FIELDS)) }));
  }
  if (file.description !== undefined) body.description = file.description;
  if (file.allowed_roles) body.allowed_roles = file.allowed_roles;
  for (const [k, v] of unknownFields(current, PIPE_FIELDS)) body[k] = v;
  return body;
}

/**
 * The plan for making the bucket hold what the files hold.
 *
 * - A pipe only in the files is created (`If-None-Match: *`). Its name must be one the console
 *   creates, else the plan refuses it; if the sidecar lists it, someone deleted it after the
 *   export, and creating it again would undo that: a conflict.
 * - A pipe in both that differs is updated (`If-Match`); with `prune`, one only in the bucket is
 *   deleted (`If-Match`). The revision expected is the sidecar's when it lists the pipe (what the
 *   files were exported from), else the listing's; a sidecar revision the bucket has moved past
 *   is a conflict: writing would undo a change made after the export.
 * - Equal pipes are unchanged and never written. Invalid entries, and in a `.sql` folder keys
 *   that cannot be file names, were never exported: they are ignored, never pruned.
 *
 * Actions come creates first, then updates, then deletes (a rename never leaves both names
 * gone), each by name.
 * @param {{ format: FilesFormat, pipes: FilePipe[], listing: Listing, sidecar: Sidecar | null, prune?: boolean }} input
 * @returns {Plan}
 */
export function planImport({ format, pipes, listing, sidecar, prune = false }) {
  const bucket = new Map(listing.pipes.map((e) => [e.key, e]));
  const exported = sidecar?.revisions ?? {};
  /** @param {string} name */
  const exportedAt = (name) => (Object.hasOwn(exported, name) ? exported[name] : undefined);
  /** @type {Plan} */
  const plan = { format, revision: listing.revision, actions: [], unchanged: [], refusals: [], ignored: [] };
  const inFiles = new Set();
  /** @param {BucketEntry} entry  @returns {Base} */
  const baseOf = (entry) => {
    const revision = exportedAt(entry.key);
    return revision === undefined ? { revision: entry.revision, from: 'bucket' } : { revision, from: 'export' };
  };
  /** @param {Action} action  @param {BucketEntry} entry */
  const checkBase = (action, entry) => {
    if (action.base && action.base.revision !== entry.revision) {
      action.conflict = `changed in the bucket since the export (${SIDECAR_FILE} has revision ${action.base.revision}, the bucket ${entry.revision})`;
    }
  };

  for (const file of [...pipes].sort((a, b) => byCodeUnits(a.name, b.name))) {
    inFiles.add(file.name);
    const entry = bucket.get(file.name);
    if (!entry) {
      /** @type {Action} */
      const action = {
        op: 'create',
        name: file.name,
        base: null,
        current: null,
        body: format === 'sql' ? { name: file.name, sql: file.sql } : { ...file },
        changes: fieldChanges(null, file, format),
        sqlDiff: unifiedDiff('', file.sql, { from: '/dev/null', to: `${file.name} (files)` }),
      };
      const was = exportedAt(file.name);
      if (was !== undefined) action.conflict = `deleted from the bucket since the export (${SIDECAR_FILE} has revision ${was})`;
      else if (!isCreatableName(file.name)) {
        plan.refusals.push({
          file: format === 'sql' ? `${file.name}.sql` : 'pipes.json',
          pipe: file.name,
          message: `cannot be created: names of new pipes are ${CREATABLE_NAME_RULE}`,
        });
      }
      plan.actions.push(action);
      continue;
    }
    const current = entry.value && !entry.invalid ? filePipeOf(entry.key, entry.value) : null;
    const comparable = current && format === 'sql' ? { ...file, ...current, sql: file.sql } : file;
    if (current && jsonEqual(current, comparable)) {
      plan.unchanged.push({ name: file.name, revision: entry.revision });
      continue;
    }
    /** @type {Action} */
    const action = {
      op: 'update',
      name: file.name,
      base: baseOf(entry),
      current: entry.revision,
      body: putBody(entry.key, entry.invalid ? null : entry.value, file, format),
      changes: current
        ? fieldChanges(current, comparable, format)
        : [{ field: 'value', kind: 'changed', before: `invalid entry: ${entry.invalid?.message ?? 'no value'}` }],
      sqlDiff: unifiedDiff(current?.sql ?? '', file.sql, { from: `${file.name} (bucket r${entry.revision})`, to: `${file.name} (files)` }),
    };
    checkBase(action, entry);
    plan.actions.push(action);
  }

  for (const entry of [...listing.pipes].sort((a, b) => byCodeUnits(a.key, b.key))) {
    if (inFiles.has(entry.key)) continue;
    if (entry.invalid || !entry.value) {
      plan.ignored.push({
        name: entry.key,
        revision: entry.revision,
        reason: `invalid entry (${entry.invalid?.message ?? 'no value'}): never exported, never pruned`,
      });
    } else if (format === 'sql' && !isCreatableName(entry.key)) {
      plan.ignored.push({
        name: entry.key,
        revision: entry.revision,
        reason: `its name cannot be a .sql file's name: never exported, never pruned`,
      });
    } else if (prune) {
      const current = filePipeOf(entry.key, entry.value);
      /** @type {Action} */
      const action = {
        op: 'delete',
        name: entry.key,
        base: baseOf(entry),
        current: entry.revision,
        changes: [],
        sqlDiff: unifiedDiff(current.sql, '', { from: `${entry.key} (bucket r${entry.revision})`, to: '/dev/null' }),
      };
      checkBase(action, entry);
      plan.actions.push(action);
    } else {
      plan.ignored.push({ name: entry.key, revision: entry.revision, reason: 'only in the bucket (import --prune deletes it)' });
    }
  }
  const rank = { create: 0, update: 1, delete: 2 };
  plan.actions.sort((a, b) => rank[a.op] - rank[b.op] || byCodeUnits(a.name, b.name));
  return plan;
}

/** The precondition header an action is sent with. @param {Action} action */
export function preconditionOf(action) {
  return action.base === null ? { 'If-None-Match': '*' } : { 'If-Match': `"${action.base.revision}"` };
}

/**
 * The sidecar after an import: each pipe the files hold at the revision it now has (written, or
 * found equal), deleted pipes dropped, entries the import did not reach left as they were (their
 * files are still based on them), and names neither side holds any more dropped.
 * @param {Sidecar | null} previous
 * @param {Plan} plan
 * @param {{ name: string, op: Action['op'], revision?: number }[]} done the writes that succeeded
 * @param {Listing} listing
 * @param {Iterable<string>} fileNames
 * @returns {Sidecar}
 */
export function nextSidecar(previous, plan, done, listing, fileNames) {
  /** @type {Record<string, number>} */
  const revisions = { ...(previous?.revisions ?? {}) };
  for (const { name, revision } of plan.unchanged) revisions[name] = revision;
  const deleted = new Set();
  for (const { name, op, revision } of done) {
    if (op === 'delete') {
      delete revisions[name];
      deleted.add(name);
    } else if (revision !== undefined) revisions[name] = revision;
  }
  const alive = new Set([...fileNames, ...listing.pipes.map((e) => e.key).filter((k) => !deleted.has(k))]);
  for (const name of Object.keys(revisions)) if (!alive.has(name)) delete revisions[name];
  return { revisions };
}
