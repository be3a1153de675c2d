import { describe, expect, test } from 'vitest';
import {
  actionChanges,
  countsLine,
  doneLine,
  importOutcome,
  planCounts,
  sqlDiffLines,
  type PlanAction,
  type PlanReport,
} from './import-outcome';

const action = (op: PlanAction['op'], name: string, extra: Partial<PlanAction> = {}): PlanAction => ({
  op,
  name,
  precondition: op === 'create' ? { 'If-None-Match': '*' } : { 'If-Match': '"3"' },
  base: op === 'create' ? null : { revision: 3, from: 'bucket' },
  current: op === 'create' ? null : 3,
  changes: [],
  sql_diff: '',
  ...extra,
});
const plan: PlanReport = {
  format: 'pipes-json',
  revision: 9,
  actions: [action('create', 'c'), action('create', 'd'), action('update', 'a'), action('delete', 'z')],
  unchanged: [{ name: 'b', revision: 4 }],
  ignored: [],
};

describe('importOutcome', () => {
  test('a dry run is the plan, its conflicts and its bases', () => {
    const body = { outcome: 'planned', ...plan, conflicts: [], bases: { a: 3, c: null } };
    expect(importOutcome(200, body)).toEqual({ kind: 'planned', plan, conflicts: [], bases: { a: 3, c: null } });
  });

  test('an applied import is the plan with what was done', () => {
    expect(importOutcome(200, { outcome: 'applied', ...plan, done: [{ name: 'c', op: 'create', revision: 10 }] })).toMatchObject({
      kind: 'applied',
      done: [{ name: 'c', revision: 10 }],
    });
  });

  test('a 409 is a conflict with its words and what was done before it', () => {
    const body = {
      outcome: 'conflict',
      error: 'conflict on a: …',
      ...plan,
      conflicts: [{ name: 'a', reason: 'r', current: 5 }],
      done: [{ name: 'c', op: 'create' }],
    };
    expect(importOutcome(409, body)).toMatchObject({
      kind: 'conflict',
      error: 'conflict on a: …',
      conflicts: [{ name: 'a' }],
      done: [{ name: 'c' }],
    });
  });

  test('a 400 with findings is the files refused', () => {
    const findings = [{ file: 'pipes.json', pipe: 'x', message: 'is blank' }];
    expect(importOutcome(400, { error: 'refused', findings })).toEqual({ kind: 'refused', error: 'refused', findings });
  });

  test("anything else is a failure with the server's words, or the status", () => {
    expect(importOutcome(403, { error: 'viewers may read pipes but not change them' })).toEqual({
      kind: 'failed',
      error: 'viewers may read pipes but not change them',
      done: [],
    });
    expect(importOutcome(502, undefined)).toEqual({ kind: 'failed', error: 'HTTP 502', done: [] });
    expect(importOutcome(503, { error: 'update b failed', outcome: 'failed', ...plan, done: [{ name: 'c', op: 'create' }] })).toMatchObject(
      {
        kind: 'failed',
        done: [{ name: 'c' }],
      },
    );
  });
});

describe('summaries', () => {
  test('counts of each kind of write and of unchanged pipes', () => {
    expect(planCounts(plan)).toEqual({ create: 2, update: 1, delete: 1, unchanged: 1 });
    expect(countsLine(planCounts(plan))).toBe('2 to create, 1 to update, 1 to delete, 1 unchanged');
  });

  test('what an applied import did', () => {
    expect(
      doneLine([
        { name: 'c', op: 'create' },
        { name: 'a', op: 'update' },
        { name: 'd', op: 'create' },
      ]),
    ).toBe('2 created, 1 updated, 0 deleted');
  });
});

describe('sqlDiffLines', () => {
  test('a unified diff becomes added, removed and kept lines; headers and "no newline" notes go, a gap between hunks is "…"', () => {
    const unified = [
      '--- a (bucket r3)',
      '+++ a (files)',
      '@@ -1,2 +1,2 @@',
      ' SELECT 1',
      '-FROM t',
      '+FROM u',
      '\\ No newline at end of file',
      '@@ -10,1 +10,1 @@',
      '-x',
      '+y',
      '',
    ].join('\n');
    expect(sqlDiffLines(unified)).toEqual([
      { op: 'same', text: 'SELECT 1' },
      { op: 'del', text: 'FROM t' },
      { op: 'add', text: 'FROM u' },
      { op: 'same', text: '…' },
      { op: 'del', text: 'x' },
      { op: 'add', text: 'y' },
    ]);
  });

  test('no diff is no lines', () => {
    expect(sqlDiffLines('')).toEqual([]);
  });
});

describe('actionChanges', () => {
  test("the SQL's lines first, then the other fields; the plan's own sql entry is not repeated", () => {
    const update = action('update', 'a', {
      changes: [
        { field: 'sql', kind: 'changed' },
        { field: 'description', kind: 'changed', before: '"x"', after: '"y"' },
      ],
      sql_diff: '--- a\n+++ b\n@@ -1,1 +1,1 @@\n-A\n+B\n',
    });
    expect(actionChanges(update)).toEqual([
      {
        field: 'sql',
        kind: 'changed',
        lines: [
          { op: 'del', text: 'A' },
          { op: 'add', text: 'B' },
        ],
      },
      { field: 'description', kind: 'changed', before: '"x"', after: '"y"' },
    ]);
  });

  test('a delete shows its SQL removed, a create its SQL added', () => {
    expect(actionChanges(action('delete', 'z', { sql_diff: '--- z\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-Z\n' }))[0]).toMatchObject({
      field: 'sql',
      kind: 'removed',
    });
    expect(actionChanges(action('create', 'c', { sql_diff: '--- /dev/null\n+++ c\n@@ -0,0 +1,1 @@\n+C\n' }))[0]).toMatchObject({
      field: 'sql',
      kind: 'added',
    });
  });
});
