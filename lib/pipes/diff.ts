// What changed between two versions of a pipe, field by field: for the editor's conflict
// banner ("a newer version exists") and the live feed ("a diff against the previous value").
import { diffLines, diffWordsWithSpace, type Change } from 'diff';
import { KNOWN_PIPE_FIELDS, displayValue, jsonEqual, orderedUnion, unknownFields } from './fields';
import { normalizePipe, type ParamDef, type Pipe } from './schema';

export type TextChange = { op: 'add' | 'del' | 'same'; text: string };

export type FieldChange = {
  /** 'name' | 'sql' | 'description' | 'parameters.<name>' | 'parameters' (order) | 'allowed_roles' | an unknown field */
  field: string;
  kind: 'added' | 'removed' | 'changed';
  /** Display text: strings verbatim, other values as compact JSON. */
  before?: string;
  after?: string;
  /** Line by line, for the SQL and any other multi-line text. */
  lines?: TextChange[];
};

/**
 * Field changes from `before` to `after` (null = the pipe does not exist), in a stable order:
 * name, sql, description, parameters (by name, in `after`'s order, then removed ones, then
 * 'parameters' when only their order changed), allowed_roles, unknown fields. Both sides are
 * compared as they read back after a save, so `description: ""` equals no description.
 */
export function diffPipes(before: Pipe | null, after: Pipe | null): FieldChange[] {
  const a = before === null ? undefined : normalizePipe(before);
  const b = after === null ? undefined : normalizePipe(after);
  const changes: (FieldChange | null)[] = [
    fieldChange('name', a?.name, b?.name),
    fieldChange('sql', a?.sql, b?.sql, { alwaysLines: true }),
    fieldChange('description', a?.description, b?.description),
    ...paramChanges(a?.parameters ?? [], b?.parameters ?? []),
    fieldChange('allowed_roles', a?.allowed_roles, b?.allowed_roles),
  ];
  const unknownA = new Map(a ? unknownFields(a, KNOWN_PIPE_FIELDS) : []);
  const unknownB = new Map(b ? unknownFields(b, KNOWN_PIPE_FIELDS) : []);
  for (const field of orderedUnion([...unknownB.keys()], [...unknownA.keys()])) {
    changes.push(fieldChange(field, unknownA.get(field), unknownB.get(field)));
  }
  return changes.filter((c): c is FieldChange => c !== null);
}

function paramChanges(before: ParamDef[], after: ParamDef[]): (FieldChange | null)[] {
  const a = new Map(before.map((p) => [p.name, p]));
  const b = new Map(after.map((p) => [p.name, p]));
  const names = orderedUnion([...b.keys()], [...a.keys()]);
  const changes = names.map((name) => fieldChange(`parameters.${name}`, a.get(name), b.get(name)));
  // Order matters on the wire and in the editor's table, and would otherwise go unseen.
  const keptBefore = [...a.keys()].filter((name) => b.has(name));
  const keptAfter = [...b.keys()].filter((name) => a.has(name));
  if (!jsonEqual(keptBefore, keptAfter)) {
    changes.push({ field: 'parameters', kind: 'changed', before: displayValue(keptBefore), after: displayValue(keptAfter) });
  }
  return changes;
}

function fieldChange(
  field: string,
  before: unknown,
  after: unknown,
  { alwaysLines = false } = {},
): FieldChange | null {
  if (jsonEqual(before, after)) return null;
  const change: FieldChange = {
    field,
    kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed',
  };
  if (before !== undefined) change.before = displayValue(before);
  if (after !== undefined) change.after = displayValue(after);
  const isText = (v: unknown) => v === undefined || typeof v === 'string';
  if (isText(before) && isText(after) && (alwaysLines || isMultiline(before) || isMultiline(after))) {
    change.lines = lineDiff((before as string | undefined) ?? '', (after as string | undefined) ?? '');
  }
  return change;
}

function isMultiline(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\n');
}

/**
 * A line diff (jsdiff's diffLines), one entry per line, line ends left out. A missing newline
 * at the end does not count: "a" → "a\nb" reads as one added line, not a changed "a".
 */
export function lineDiff(before: string, after: string): TextChange[] {
  const withEol = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  return diffLines(withEol(before), withEol(after)).flatMap((change) => {
    const op = opOf(change);
    const lines = change.value.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.map((line) => ({ op, text: line.replace(/\r$/, '') }));
  });
}

/** Word-level changes within one line, e.g. to highlight what differs in a del/add pair. */
export function wordDiff(before: string, after: string): TextChange[] {
  return diffWordsWithSpace(before, after).map((change) => ({ op: opOf(change), text: change.value }));
}

function opOf(change: Change): TextChange['op'] {
  return change.added ? 'add' : change.removed ? 'del' : 'same';
}
