// What the files CLI prints: a plan or a diff as text for people, and as JSON for scripts.
// Pure, so the wording is tested with the plan rather than by running the CLI.
import { SIDECAR_FILE } from './pipes-json.mjs';
import { preconditionOf } from './plan.mjs';

/** @typedef {import('./plan.d.mts').Plan} Plan */
/** @typedef {import('./plan.d.mts').Action} Action */
/** @typedef {import('./plan.d.mts').FieldChange} FieldChange */

/** @param {string} text  @param {string} pad */
const indent = (text, pad) =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => pad + line);

/** @param {FieldChange} c */
function changeLine(c) {
  if (c.kind === 'added') return `${c.field}: + ${c.after}`;
  if (c.kind === 'removed') return `${c.field}: - ${c.before}`;
  return `${c.field}: ${c.before} → ${c.after}`;
}

/** The field lines (the SQL's own line is its diff) and the SQL diff of an action. @param {Action} action */
function details(action) {
  const fields = action.changes.filter((c) => c.field !== 'sql').map(changeLine);
  return [...fields.map((l) => `      ${l}`), ...(action.sqlDiff ? indent(action.sqlDiff, '      ') : [])];
}

/** `If-Match: "7" (the export's revision)`. @param {Action} action */
export function describePrecondition(action) {
  const [[header, value]] = /** @type {[string, string][]} */ (Object.entries(preconditionOf(action)));
  if (!action.base) return `${header}: ${value}`;
  return `${header}: ${value} (${action.base.from === 'export' ? `the revision in ${SIDECAR_FILE}` : 'the revision read now'})`;
}

/** @param {string[]} names */
function nameList(names) {
  const shownNames = names.slice(0, 20).join(', ');
  return names.length > 20 ? `${shownNames} and ${names.length - 20} more` : shownNames;
}

/**
 * `diff`: what differs between the files and the bucket, as the plan of an import --prune sees it.
 * @param {Plan} plan
 */
export function renderDiff(plan) {
  /** @param {Action['op']} op */
  const of = (op) => plan.actions.filter((a) => a.op === op);
  const lines = [];
  const created = of('create');
  const deleted = of('delete');
  const updated = of('update');
  if (created.length) {
    lines.push(`only in the files (${created.length}):`);
    for (const a of created) lines.push(`  + ${a.name}${a.conflict ? ` — ${a.conflict}` : ''}`, ...details(a));
  }
  if (deleted.length) {
    lines.push(`only in the bucket (${deleted.length}):`);
    for (const a of deleted) lines.push(`  - ${a.name} (r${a.current})${a.conflict ? ` — ${a.conflict}` : ''}`);
  }
  if (updated.length) {
    lines.push(`different (${updated.length}):`);
    for (const a of updated) lines.push(`  ~ ${a.name} (bucket r${a.current})${a.conflict ? ` — ${a.conflict}` : ''}`, ...details(a));
  }
  const same = `${plan.unchanged.length} pipe${plan.unchanged.length === 1 ? '' : 's'} the same`;
  const count = plan.actions.length;
  lines.push(count ? `${count} difference${count === 1 ? '' : 's'}; ${same}.` : `No differences: ${same}.`);
  return `${lines.join('\n')}\n`;
}

const VERBS = { create: ['create', 'created'], update: ['update', 'updated'], delete: ['delete', 'deleted'] };

/**
 * `import`: the plan, each action with its precondition and diff; after a run, what each came to.
 * @param {Plan} plan
 * @param {{ dryRun: boolean, done?: { name: string, revision?: number }[] }} options
 */
export function renderPlan(plan, { dryRun, done = [] }) {
  const results = new Map(done.map((d) => [d.name, d]));
  const lines = [`Plan against bucket revision ${plan.revision} (${plan.format === 'sql' ? '.sql files' : 'pipes.json'}):`];
  for (const a of plan.actions) {
    const result = results.get(a.name);
    const verb = dryRun ? `would ${VERBS[a.op][0]}` : result ? VERBS[a.op][1] : `not ${VERBS[a.op][1]}`;
    const revision = result?.revision === undefined ? '' : ` → r${result.revision}`;
    lines.push(
      `  ${verb} ${a.name}${revision}, ${describePrecondition(a)}${a.conflict ? ` — conflict: ${a.conflict}` : ''}`,
      ...details(a),
    );
  }
  if (!plan.actions.length) lines.push('  nothing to write');
  if (plan.unchanged.length) lines.push(`  unchanged (${plan.unchanged.length}): ${nameList(plan.unchanged.map((u) => u.name))}`);
  for (const i of plan.ignored) lines.push(`  left alone: ${i.name} (r${i.revision}): ${i.reason}`);
  return `${lines.join('\n')}\n`;
}

/** @param {Action} a */
function actionJson(a) {
  return {
    op: a.op,
    name: a.name,
    precondition: preconditionOf(a),
    base: a.base,
    current: a.current,
    changes: a.changes,
    sql_diff: a.sqlDiff,
    ...(a.conflict ? { conflict: a.conflict } : {}),
  };
}

/**
 * The plan as `--json` prints it; `done` adds each written action's new revision.
 * @param {Plan} plan
 * @param {{ done?: { name: string, revision?: number }[] }} [options]
 */
export function planJson(plan, { done } = {}) {
  const results = new Map((done ?? []).map((d) => [d.name, d]));
  return {
    format: plan.format,
    revision: plan.revision,
    actions: plan.actions.map((a) => {
      const out = actionJson(a);
      if (!done) return out;
      const result = results.get(a.name);
      return { ...out, written: Boolean(result), ...(result?.revision === undefined ? {} : { revision: result.revision }) };
    }),
    unchanged: plan.unchanged,
    ignored: plan.ignored,
  };
}

/**
 * `diff --json`: the same facts grouped as the text shows them.
 * @param {Plan} plan
 */
export function diffJson(plan) {
  /** @param {Action['op']} op */
  const of = (op) => plan.actions.filter((a) => a.op === op).map(actionJson);
  return {
    format: plan.format,
    revision: plan.revision,
    same: plan.actions.length === 0,
    only_in_files: of('create'),
    only_in_bucket: of('delete'),
    different: of('update'),
    unchanged: plan.unchanged,
    ignored: plan.ignored,
  };
}
