// Three-way merge for the editor's conflict banner (its Merge button): my unsaved edits and
// the newer version another writer saved, both against the version my edits started from.
// What merges cleanly is merged; what does not is reported, and in the SQL written out with
// git-style markers for the user to resolve in the editor (lintForm flags leftover markers).
import { diff3Merge } from 'node-diff3';
import { KNOWN_PIPE_FIELDS, displayValue, jsonEqual, orderedUnion, unknownFields } from './fields';
import { normalizePipe, type ParamDef, type Pipe } from './schema';

export type MergeConflict = {
  /** 'name' | 'sql' | 'description' | 'parameters.<name>' | 'allowed_roles' | an unknown field */
  field: string;
  /** Display text of each side's value; ABSENT when that side has none. */
  mine: string;
  theirs: string;
};

export const ABSENT = '(none)';

/**
 * Field by field: a side that left a field unchanged takes the other side's; the same change
 * on both is taken once; different changes conflict and keep mine — except the SQL, merged
 * line by line (diff3), and allowed_roles, merged as a set. Parameters merge one by one, by
 * name. `theirsLabel` ends the `>>>>>>>` marker line, e.g. "theirs (revision 7)".
 */
export function mergePipes(
  base: Pipe,
  mine: Pipe,
  theirs: Pipe,
  theirsLabel = 'theirs',
): { merged: Pipe; conflicts: MergeConflict[] } {
  const [o, a, b] = [base, mine, theirs].map(normalizePipe) as [Pipe, Pipe, Pipe];
  if (jsonEqual(o, a)) return { merged: b, conflicts: [] };
  if (jsonEqual(o, b) || jsonEqual(a, b)) return { merged: a, conflicts: [] };

  const conflicts: MergeConflict[] = [];
  const field = <T>(name: string, bv: T | undefined, mv: T | undefined, tv: T | undefined): T | undefined => {
    const merged = mergeValue(bv, mv, tv);
    if (merged.conflict) conflicts.push({ field: name, mine: shown(mv), theirs: shown(tv) });
    return merged.value;
  };

  const name = field('name', o.name, a.name, b.name) ?? a.name;
  const sql = mergeSql(o.sql, a.sql, b.sql, theirsLabel);
  if (sql.conflict) conflicts.push({ field: 'sql', mine: a.sql, theirs: b.sql });
  const description = field('description', o.description, a.description, b.description);
  const parameters = mergeParams(o.parameters ?? [], a.parameters ?? [], b.parameters ?? [], field);
  const roles = mergeRoles(o.allowed_roles ?? [], a.allowed_roles ?? [], b.allowed_roles ?? []);
  if (roles.conflict) conflicts.push({ field: 'allowed_roles', mine: shown(a.allowed_roles), theirs: shown(b.allowed_roles) });

  const unknownO = new Map(unknownFields(o, KNOWN_PIPE_FIELDS));
  const unknownA = new Map(unknownFields(a, KNOWN_PIPE_FIELDS));
  const unknownB = new Map(unknownFields(b, KNOWN_PIPE_FIELDS));
  const unknown = orderedUnion([...unknownA.keys()], [...unknownB.keys()]).map(
    (key) => [key, field(key, unknownO.get(key), unknownA.get(key), unknownB.get(key))] as const,
  );

  const merged = normalizePipe({
    name,
    sql: sql.text,
    parameters,
    description,
    allowed_roles: roles.value,
    ...Object.fromEntries(unknown),
  });
  return { merged, conflicts };
}

function mergeValue<T>(base: T | undefined, mine: T | undefined, theirs: T | undefined) {
  if (jsonEqual(mine, theirs) || jsonEqual(base, theirs)) return { value: mine, conflict: false };
  if (jsonEqual(base, mine)) return { value: theirs, conflict: false };
  return { value: mine, conflict: true };
}

function shown(value: unknown): string {
  return value === undefined ? ABSENT : displayValue(value);
}

function mergeSql(base: string, mine: string, theirs: string, theirsLabel: string) {
  const simple = mergeValue(base, mine, theirs);
  if (!simple.conflict) return { text: simple.value ?? mine, conflict: false };
  const lines: string[] = [];
  let conflict = false;
  for (const region of diff3Merge(mine.split('\n'), base.split('\n'), theirs.split('\n'))) {
    if (region.ok) lines.push(...region.ok);
    if (region.conflict) {
      conflict = true;
      lines.push('<<<<<<< mine', ...region.conflict.a, '=======', ...region.conflict.b, `>>>>>>> ${theirsLabel}`);
    }
  }
  return { text: lines.join('\n'), conflict };
}

type FieldMerge = <T>(name: string, base: T | undefined, mine: T | undefined, theirs: T | undefined) => T | undefined;

/**
 * One parameter at a time, by name. Order: mine's, then theirs' new ones — unless I did not
 * touch the list's order (same names as base), then theirs' order, so their reordering survives.
 */
function mergeParams(base: ParamDef[], mine: ParamDef[], theirs: ParamDef[], field: FieldMerge): ParamDef[] {
  const names = (ps: ParamDef[]) => ps.map((p) => p.name);
  const o = new Map(base.map((p) => [p.name, p]));
  const a = new Map(mine.map((p) => [p.name, p]));
  const b = new Map(theirs.map((p) => [p.name, p]));
  const order = jsonEqual(names(mine), names(base))
    ? orderedUnion(names(theirs), names(mine))
    : orderedUnion(names(mine), names(theirs));
  return order.flatMap((name) => field(`parameters.${name}`, o.get(name), a.get(name), b.get(name)) ?? []);
}

/**
 * A set merge: a role either side removed is gone, a role either side added is in. One case
 * is a conflict (keeping mine): each side removed different roles and together they removed
 * them all — an empty list lets every role run the pipe, which neither side asked for.
 */
function mergeRoles(base: string[], mine: string[], theirs: string[]) {
  const simple = mergeValue(base, mine, theirs);
  if (!simple.conflict) return { value: simple.value ?? [], conflict: false };
  const keep = (role: string) => !base.includes(role) || (mine.includes(role) && theirs.includes(role));
  const value = orderedUnion(mine, theirs).filter(keep);
  if (value.length === 0 && mine.length > 0 && theirs.length > 0) return { value: mine, conflict: true };
  return { value, conflict: false };
}
