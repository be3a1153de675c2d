// What an answer of POST /api/import means for the Import dialog, framework-free: the plan (a
// dry run), the writes done, a conflict, or the files refused; and a plan put in the words and
// shapes the dialog shows (counts, each action's field changes with its SQL line diff).
import type { Finding } from '@/lib/files/types.d.mts';
import type { Bases } from '@/lib/files/upload.d.mts';
import type { planJson } from '@/lib/files/report.mjs';
import type { FieldChange, TextChange } from '@/lib/pipes/diff';

export type PlanReport = ReturnType<typeof planJson>;
export type PlanAction = PlanReport['actions'][number] & { written?: boolean; revision?: number };
export type Done = { name: string; op: PlanAction['op']; revision?: number };
export type Conflict = { name: string; reason: string; current: number | null };

export type ImportOutcome =
  | { kind: 'planned'; plan: PlanReport; conflicts: Conflict[]; bases: Bases }
  | { kind: 'applied'; plan: PlanReport; done: Done[] }
  | { kind: 'conflict'; error: string; plan: PlanReport; conflicts: Conflict[]; done: Done[] }
  | { kind: 'refused'; error: string; findings: Finding[] }
  | { kind: 'failed'; error: string; done: Done[] };

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const errorOf = (status: number, body: unknown) => (isObject(body) && typeof body.error === 'string' ? body.error : `HTTP ${status}`);
const listOf = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function planOf(body: Body): PlanReport | undefined {
  if (typeof body.revision !== 'number' || !Array.isArray(body.actions)) return undefined;
  return {
    format: body.format === 'sql' ? 'sql' : 'pipes-json',
    revision: body.revision,
    actions: body.actions as PlanAction[],
    unchanged: listOf(body.unchanged),
    ignored: listOf(body.ignored),
  };
}

export function importOutcome(status: number, body: unknown): ImportOutcome {
  const plan = isObject(body) ? planOf(body) : undefined;
  if (isObject(body) && plan) {
    if (status === 200 && body.outcome === 'planned') {
      return { kind: 'planned', plan, conflicts: listOf(body.conflicts), bases: isObject(body.bases) ? (body.bases as Bases) : {} };
    }
    if (status === 200 && body.outcome === 'applied') return { kind: 'applied', plan, done: listOf(body.done) };
    if (status === 409 && body.outcome === 'conflict') {
      return { kind: 'conflict', error: errorOf(status, body), plan, conflicts: listOf(body.conflicts), done: listOf(body.done) };
    }
  }
  if (status === 400 && isObject(body) && Array.isArray(body.findings)) {
    return { kind: 'refused', error: errorOf(status, body), findings: body.findings as Finding[] };
  }
  return { kind: 'failed', error: errorOf(status, body), done: isObject(body) ? listOf(body.done) : [] };
}

export type PlanCounts = { create: number; update: number; delete: number; unchanged: number };

export function planCounts(plan: PlanReport): PlanCounts {
  const counts: PlanCounts = { create: 0, update: 0, delete: 0, unchanged: plan.unchanged.length };
  for (const a of plan.actions) counts[a.op]++;
  return counts;
}

/** "2 to create, 1 to update, 0 to delete, 7 unchanged". */
export function countsLine(counts: PlanCounts): string {
  return `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.unchanged} unchanged`;
}

/** What an applied import did: "Applied: 2 created, 1 updated, 0 deleted." */
export function doneLine(done: Done[]): string {
  const n = (op: Done['op']) => done.filter((d) => d.op === op).length;
  return `${n('create')} created, ${n('update')} updated, ${n('delete')} deleted`;
}

/**
 * A unified diff's lines as the field diff shows them: headers dropped, `\ No newline` notes
 * dropped, a gap between hunks shown as "…".
 */
export function sqlDiffLines(unified: string): TextChange[] {
  const lines: TextChange[] = [];
  if (unified === '') return lines;
  let hunks = 0;
  for (const line of unified.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('--- ') || line.startsWith('+++ ') || line.startsWith('\\')) continue;
    if (line.startsWith('@@')) {
      if (hunks++ > 0) lines.push({ op: 'same', text: '…' });
      continue;
    }
    if (line.startsWith('+')) lines.push({ op: 'add', text: line.slice(1) });
    else if (line.startsWith('-')) lines.push({ op: 'del', text: line.slice(1) });
    else lines.push({ op: 'same', text: line.startsWith(' ') ? line.slice(1) : line });
  }
  return lines;
}

/** An action's changes for the field diff: the SQL line by line first, then every other field. */
export function actionChanges(action: PlanAction): FieldChange[] {
  const sqlLines = sqlDiffLines(action.sql_diff);
  const sql: FieldChange[] = sqlLines.length
    ? [{ field: 'sql', kind: action.op === 'create' ? 'added' : action.op === 'delete' ? 'removed' : 'changed', lines: sqlLines }]
    : [];
  return [...sql, ...action.changes.filter((c) => c.field !== 'sql')];
}

/** `If-Match: "7"` / `If-None-Match: *`: what a write expects. */
export function preconditionText(action: PlanAction): string {
  return Object.entries(action.precondition)
    .map(([header, value]) => `${header}: ${value}`)
    .join(', ');
}
