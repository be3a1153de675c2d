import { describe, expect, test } from 'vitest';
import { fieldChanges, jsonEqual, nextSidecar, planImport, preconditionOf, putBody, unifiedDiff } from './plan.mjs';
import type { BucketEntry, FilePipe, Listing } from './types.d.mts';

const entry = (key: string, revision: number, value: Record<string, unknown> | null, invalid?: string): BucketEntry => ({
  key,
  revision,
  value,
  ...(invalid ? { invalid: { message: invalid } } : {}),
});
const listing = (...pipes: BucketEntry[]): Listing => ({ revision: Math.max(0, ...pipes.map((p) => p.revision)), pipes });
const json = (pipes: FilePipe[], bucket: Listing, options: { sidecar?: Record<string, number>; prune?: boolean } = {}) =>
  planImport({
    format: 'pipes-json',
    pipes,
    listing: bucket,
    sidecar: options.sidecar ? { revisions: options.sidecar } : null,
    prune: options.prune,
  });
const sql = (pipes: FilePipe[], bucket: Listing, options: { sidecar?: Record<string, number>; prune?: boolean } = {}) =>
  planImport({
    format: 'sql',
    pipes,
    listing: bucket,
    sidecar: options.sidecar ? { revisions: options.sidecar } : null,
    prune: options.prune,
  });

describe('unchanged pipes are never written', () => {
  test('files equal to the bucket plan nothing, every pipe unchanged at its revision', () => {
    const plan = json([{ name: 'a', sql: 'A' }], listing(entry('a', 3, { name: 'a', sql: 'A' })));
    expect(plan.actions).toEqual([]);
    expect(plan.unchanged).toEqual([{ name: 'a', revision: 3 }]);
  });

  test('fields pipes.json cannot carry (resolved_tables, a parameter extra) are no difference', () => {
    const value = { name: 'a', sql: 'A', resolved_tables: ['t'], parameters: [{ name: 'p', type: 'string', hint: 1 }] };
    const plan = json([{ name: 'a', sql: 'A', parameters: [{ name: 'p', type: 'string' }] }], listing(entry('a', 3, value)));
    expect(plan.actions).toEqual([]);
  });

  test('what Go omits when empty is no difference (description "", required false, a missing type)', () => {
    const value = { name: 'a', sql: 'A', description: '', allowed_roles: [], parameters: [{ name: 'p', required: false }] };
    const plan = json([{ name: 'a', sql: 'A', parameters: [{ name: 'p', type: '' }] }], listing(entry('a', 3, value)));
    expect(plan.actions).toEqual([]);
  });

  test('a default object with its keys in another order is no difference', () => {
    const value = { name: 'a', sql: 'A', parameters: [{ name: 'p', type: '', default: { x: 1, y: 2 } }] };
    const plan = json(
      [{ name: 'a', sql: 'A', parameters: [{ name: 'p', type: '', default: { y: 2, x: 1 } }] }],
      listing(entry('a', 3, value)),
    );
    expect(plan.actions).toEqual([]);
  });

  test('a pipe the bucket changed since the export, equal to the files now, is unchanged, not a conflict', () => {
    const plan = json([{ name: 'a', sql: 'A' }], listing(entry('a', 9, { name: 'a', sql: 'A' })), { sidecar: { a: 3 } });
    expect(plan.actions).toEqual([]);
    expect(plan.unchanged).toEqual([{ name: 'a', revision: 9 }]);
  });

  test('in a .sql folder only the SQL counts: fields only the bucket holds are no difference', () => {
    const plan = sql([{ name: 'a', sql: 'A' }], listing(entry('a', 3, { name: 'a', sql: 'A', description: 'd', allowed_roles: ['r'] })));
    expect(plan.actions).toEqual([]);
  });
});

describe('creates', () => {
  test('a pipe only in the files is created with If-None-Match: *, its whole SQL as added lines', () => {
    const plan = json([{ name: 'n', sql: 'SELECT 1', description: 'd' }], listing());
    expect(plan.actions).toEqual([
      {
        op: 'create',
        name: 'n',
        base: null,
        current: null,
        body: { name: 'n', sql: 'SELECT 1', description: 'd' },
        changes: [
          { field: 'sql', kind: 'added' },
          { field: 'description', kind: 'added', after: '"d"' },
        ],
        sqlDiff: '--- /dev/null\n+++ n (files)\n@@ -0,0 +1,1 @@\n+SELECT 1\n\\ No newline at end of file\n',
      },
    ]);
    expect(preconditionOf(plan.actions[0]!)).toEqual({ 'If-None-Match': '*' });
  });

  test('a name the console would not create is refused, naming the pipe and the rule', () => {
    const plan = json([{ name: 'team.daily', sql: 'S' }], listing());
    expect(plan.refusals).toEqual([
      {
        file: 'pipes.json',
        pipe: 'team.daily',
        message: 'cannot be created: names of new pipes are letters, digits, "_" and "-", 1 to 128 characters',
      },
    ]);
  });

  test('a name the console would not create is no refusal when the bucket already holds it', () => {
    const plan = json([{ name: 'team.daily', sql: 'NEW' }], listing(entry('team.daily', 2, { name: 'team.daily', sql: 'OLD' })));
    expect(plan.refusals).toEqual([]);
    expect(plan.actions.map((a) => a.op)).toEqual(['update']);
  });

  test('a pipe the sidecar lists and the bucket no longer holds is a conflict: someone deleted it after the export', () => {
    const plan = json([{ name: 'gone', sql: 'S' }], listing(), { sidecar: { gone: 4 } });
    expect(plan.actions[0]?.conflict).toBe('deleted from the bucket since the export (.pipes-export.json has revision 4)');
  });

  test('a .sql file only in the folder creates a pipe of just its name and SQL', () => {
    expect(sql([{ name: 'n', sql: 'S' }], listing()).actions[0]?.body).toEqual({ name: 'n', sql: 'S' });
  });
});

describe('updates', () => {
  const bucket = listing(entry('a', 7, { name: 'a', sql: 'OLD' }));

  test('expect the revision the sidecar gives when it lists the pipe', () => {
    const [action] = json([{ name: 'a', sql: 'NEW' }], bucket, { sidecar: { a: 7 } }).actions;
    expect(action).toMatchObject({ op: 'update', base: { revision: 7, from: 'export' }, current: 7 });
    expect(action?.conflict).toBeUndefined();
    expect(preconditionOf(action!)).toEqual({ 'If-Match': '"7"' });
  });

  test('expect the revision read now when the sidecar does not list the pipe', () => {
    const [action] = json([{ name: 'a', sql: 'NEW' }], bucket, { sidecar: { other: 1 } }).actions;
    expect(action?.base).toEqual({ revision: 7, from: 'bucket' });
  });

  test('expect the revision read now when there is no sidecar', () => {
    expect(json([{ name: 'a', sql: 'NEW' }], bucket).actions[0]?.base).toEqual({ revision: 7, from: 'bucket' });
  });

  test('a pipe the bucket changed after the export, where the files differ, is a conflict naming both revisions', () => {
    const [action] = json([{ name: 'a', sql: 'NEW' }], bucket, { sidecar: { a: 5 } }).actions;
    expect(action?.conflict).toBe('changed in the bucket since the export (.pipes-export.json has revision 5, the bucket 7)');
    expect(preconditionOf(action!)).toEqual({ 'If-Match': '"5"' });
  });

  test('carry the SQL diff, bucket → files', () => {
    const [action] = json(
      [{ name: 'a', sql: 'SELECT 1\nFROM t\nWHERE x\n' }],
      listing(entry('a', 7, { name: 'a', sql: 'SELECT 1\nFROM t\n' })),
    ).actions;
    expect(action?.sqlDiff).toBe('--- a (bucket r7)\n+++ a (files)\n@@ -1,2 +1,3 @@\n SELECT 1\n FROM t\n+WHERE x\n');
  });

  test('replace an invalid entry the files hold a pipe for, saying it was invalid', () => {
    const [action] = json([{ name: 'bad', sql: 'S' }], listing(entry('bad', 2, null, 'invalid JSON'))).actions;
    expect(action).toMatchObject({
      op: 'update',
      body: { name: 'bad', sql: 'S' },
      changes: [{ field: 'value', before: 'invalid entry: invalid JSON' }],
    });
  });
});

describe('putBody: what an update sends', () => {
  test("pipes.json: the files' five fields over the current value, every other field kept", () => {
    const current = {
      name: 'a',
      sql: 'OLD',
      description: 'gone',
      resolved_tables: ['t'],
      parameters: [{ name: 'p', type: '', hint: 'h' }],
    };
    const file: FilePipe = {
      name: 'a',
      sql: 'NEW',
      parameters: [
        { name: 'p', type: 'number' },
        { name: 'q', type: '' },
      ],
    };
    expect(putBody('a', current, file, 'pipes-json')).toEqual({
      name: 'a',
      sql: 'NEW',
      parameters: [
        { name: 'p', type: 'number', hint: 'h' },
        { name: 'q', type: '' },
      ],
      resolved_tables: ['t'],
    });
  });

  test('.sql: the current value with only the SQL replaced', () => {
    const current = {
      name: 'a',
      sql: 'OLD',
      description: 'd',
      parameters: [{ name: 'p', type: 'string' }],
      allowed_roles: ['r'],
      extra: 1,
    };
    expect(putBody('a', current, { name: 'a', sql: 'NEW' }, 'sql')).toEqual({ ...current, sql: 'NEW' });
  });

  test('names the pipe after its key', () => {
    expect(putBody('a', { name: 'stale', sql: 'S' }, { name: 'a', sql: 'T' }, 'sql').name).toBe('a');
  });
});

describe('pipes only in the bucket', () => {
  const bucket = listing(entry('kept', 1, { name: 'kept', sql: 'S' }), entry('old', 4, { name: 'old', sql: 'S' }));

  test('without --prune are left alone, named as such', () => {
    const plan = json([{ name: 'kept', sql: 'S' }], bucket);
    expect(plan.actions).toEqual([]);
    expect(plan.ignored).toEqual([{ name: 'old', revision: 4, reason: 'only in the bucket (import --prune deletes it)' }]);
  });

  test('with --prune are deleted with If-Match their revision', () => {
    const [action] = json([{ name: 'kept', sql: 'S' }], bucket, { prune: true }).actions;
    expect(action).toMatchObject({ op: 'delete', name: 'old', base: { revision: 4, from: 'bucket' } });
    expect(preconditionOf(action!)).toEqual({ 'If-Match': '"4"' });
  });

  test('with --prune, one changed since the export is a conflict', () => {
    expect(json([{ name: 'kept', sql: 'S' }], bucket, { prune: true, sidecar: { old: 2 } }).actions[0]?.conflict).toContain(
      '.pipes-export.json has revision 2, the bucket 4',
    );
  });

  test('invalid entries are never pruned', () => {
    const plan = json([], listing(entry('bad', 3, null, 'blank sql')), { prune: true });
    expect(plan.actions).toEqual([]);
    expect(plan.ignored).toEqual([{ name: 'bad', revision: 3, reason: 'invalid entry (blank sql): never exported, never pruned' }]);
  });

  test('in a .sql folder, pipes whose names cannot be file names are never pruned', () => {
    const plan = sql([], listing(entry('team/daily', 3, { name: 'team/daily', sql: 'S' })), { prune: true });
    expect(plan.actions).toEqual([]);
    expect(plan.ignored[0]?.reason).toContain("cannot be a .sql file's name");
  });
});

test('actions come creates, then updates, then deletes, each by name', () => {
  const bucket = listing(
    entry('u2', 1, { name: 'u2', sql: 'OLD' }),
    entry('d1', 2, { name: 'd1', sql: 'S' }),
    entry('u1', 3, { name: 'u1', sql: 'OLD' }),
  );
  const files = [
    { name: 'u1', sql: 'NEW' },
    { name: 'c2', sql: 'S' },
    { name: 'u2', sql: 'NEW' },
    { name: 'c1', sql: 'S' },
  ];
  expect(json(files, bucket, { prune: true }).actions.map((a) => `${a.op} ${a.name}`)).toEqual([
    'create c1',
    'create c2',
    'update u1',
    'update u2',
    'delete d1',
  ]);
});

describe('fieldChanges', () => {
  test('each changed field in Go order, a parameter by name, values as JSON', () => {
    const before: FilePipe = {
      name: 'a',
      sql: 'S',
      parameters: [
        { name: 'x', type: '' },
        { name: 'gone', type: '' },
      ],
      description: 'old',
      allowed_roles: ['r'],
    };
    const after: FilePipe = {
      name: 'a',
      sql: 'T',
      parameters: [
        { name: 'x', type: 'number' },
        { name: 'new', type: '' },
      ],
      allowed_roles: ['r', 's'],
    };
    expect(fieldChanges(before, after, 'pipes-json')).toEqual([
      { field: 'sql', kind: 'changed' },
      { field: 'description', kind: 'removed', before: '"old"' },
      { field: 'parameters.x', kind: 'changed', before: '{"name":"x","type":""}', after: '{"name":"x","type":"number"}' },
      { field: 'parameters.new', kind: 'added', after: '{"name":"new","type":""}' },
      { field: 'parameters.gone', kind: 'removed', before: '{"name":"gone","type":""}' },
      { field: 'allowed_roles', kind: 'changed', before: '["r"]', after: '["r","s"]' },
    ]);
  });

  test('parameters that only moved are one change of their order', () => {
    const a = { name: 'p', type: '' };
    const b = { name: 'q', type: '' };
    expect(fieldChanges({ name: 'x', sql: 'S', parameters: [a, b] }, { name: 'x', sql: 'S', parameters: [b, a] }, 'pipes-json')).toEqual([
      { field: 'parameters', kind: 'changed', before: '["p","q"]', after: '["q","p"]' },
    ]);
  });
});

describe('unifiedDiff', () => {
  test('is empty for equal text', () => {
    expect(unifiedDiff('a\n', 'a\n', { from: 'x', to: 'y' })).toBe('');
  });

  test('keeps three lines of context around a change', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const after = before.replace('5', 'five');
    expect(unifiedDiff(before, after, { from: 'a', to: 'b' })).toBe('--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n');
  });
});

test('jsonEqual ignores key order and undefined keys, not array order', () => {
  expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1, c: undefined })).toBe(true);
  expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  expect(jsonEqual({ a: null }, {})).toBe(false);
});

describe('nextSidecar', () => {
  const bucket = listing(
    entry('same', 5, { name: 'same', sql: 'S' }),
    entry('upd', 6, { name: 'upd', sql: 'OLD' }),
    entry('del', 7, { name: 'del', sql: 'S' }),
  );
  const files: FilePipe[] = [
    { name: 'same', sql: 'S' },
    { name: 'upd', sql: 'NEW' },
    { name: 'new', sql: 'S' },
  ];
  const plan = json(files, bucket, { prune: true, sidecar: { same: 2, upd: 6, del: 7, vanished: 1 } });
  const names = files.map((f) => f.name);

  test('after a full run: written pipes at their new revisions, unchanged at theirs, deleted and vanished ones gone', () => {
    const done = [
      { name: 'new', op: 'create' as const, revision: 8 },
      { name: 'upd', op: 'update' as const, revision: 9 },
      { name: 'del', op: 'delete' as const },
    ];
    expect(nextSidecar({ revisions: { same: 2, upd: 6, del: 7, vanished: 1 } }, plan, done, bucket, names)).toEqual({
      revisions: { same: 5, upd: 9, new: 8 },
    });
  });

  test('after a run that stopped: what it did not reach keeps the revision its files are based on', () => {
    const done = [{ name: 'new', op: 'create' as const, revision: 8 }];
    expect(nextSidecar({ revisions: { same: 2, upd: 6, del: 7 } }, plan, done, bucket, names)).toEqual({
      revisions: { same: 5, upd: 6, del: 7, new: 8 },
    });
  });

  test('without a sidecar before: the pipes written and found equal', () => {
    expect(nextSidecar(null, plan, [{ name: 'upd', op: 'update', revision: 9 }], bucket, names)).toEqual({
      revisions: { same: 5, upd: 9 },
    });
  });
});
