import { describe, expect, test } from 'vitest';
import { exportedPipes } from './export.mjs';
import { formatFinding } from './pipes-json.mjs';
import { basesOf, decodeUploadedFiles, planUpload } from './upload.mjs';
import type { BucketEntry, FilePipe, Listing } from './types.d.mts';

const entry = (key: string, revision: number, value: Record<string, unknown> | null, invalid?: string): BucketEntry => ({
  key,
  revision,
  value,
  ...(invalid ? { invalid: { message: invalid } } : {}),
});
const listing = (...pipes: BucketEntry[]): Listing => ({ revision: Math.max(0, ...pipes.map((p) => p.revision)), pipes });
const pipesJson = (pipes: FilePipe[]) => JSON.stringify({ pipes });
const messages = (findings: { file: string; pipe?: string; path?: string; message: string }[]) => findings.map(formatFinding);

describe('decodeUploadedFiles', () => {
  test('pipes-json: one .json file of any name is read strictly, its pipes returned', () => {
    const result = decodeUploadedFiles({
      format: 'pipes-json',
      files: [{ name: 'pipes (1).json', text: pipesJson([{ name: 'a', sql: 'A' }]) }],
    });
    expect(result).toEqual({ pipes: [{ name: 'a', sql: 'A' }], findings: [] });
  });

  test('pipes-json: a finding names the file, the pipe and the path, and no pipe is returned', () => {
    const text = pipesJson([{ name: 'ok', sql: 'A' }, { name: 'bad', sql: 'B', extra: 1 } as FilePipe]);
    const result = decodeUploadedFiles({ format: 'pipes-json', files: [{ name: 'pipes.json', text }] });
    expect(result.pipes).toBeNull();
    expect(result.findings).toEqual([expect.objectContaining({ file: 'pipes.json', pipe: 'bad', path: 'pipes[1].extra' })]);
  });

  test('pipes-json: a byte-order mark carried in the text is refused as in a file', () => {
    const result = decodeUploadedFiles({ format: 'pipes-json', files: [{ name: 'pipes.json', text: `\ufeff${pipesJson([])}` }] });
    expect(messages(result.findings)).toEqual([expect.stringContaining('starts with a byte-order mark')]);
  });

  test('pipes-json: roles.json text limits allowed_roles to the roles it declares', () => {
    const files = [{ name: 'pipes.json', text: pipesJson([{ name: 'a', sql: 'A', allowed_roles: ['analyst', 'ghost'] }]) }];
    const result = decodeUploadedFiles({ format: 'pipes-json', files, roles: '["analyst"]' });
    expect(result.pipes).toBeNull();
    expect(messages(result.findings).join('\n')).toContain('"ghost"');
    expect(decodeUploadedFiles({ format: 'pipes-json', files, roles: '["analyst", "ghost"]' }).findings).toEqual([]);
  });

  test('pipes-json: a roles.json that is not an array of names is a finding of roles.json', () => {
    const files = [{ name: 'pipes.json', text: pipesJson([{ name: 'a', sql: 'A' }]) }];
    const result = decodeUploadedFiles({ format: 'pipes-json', files, roles: '{"roles": []}' });
    expect(result.findings[0]?.file).toBe('roles.json');
  });

  test.each([
    ['no file', [], 'pipes.json: not given'],
    [
      'two files',
      [
        { name: 'a.json', text: '{"pipes":[]}' },
        { name: 'b.json', text: '{"pipes":[]}' },
      ],
      '2 files given',
    ],
    ['a file that is not .json', [{ name: 'pipes.txt', text: '{"pipes":[]}' }], 'pipes.txt: is not a .json file'],
    ['a name with a folder', [{ name: '../pipes.json', text: '{"pipes":[]}' }], 'a plain name without a folder'],
    ['a lone surrogate', [{ name: 'pipes.json', text: '{"pipes":[{"name":"a","sql":"\ud800"}]}' }], 'pipes.json: is not valid UTF-8'],
  ])('pipes-json refuses %s', (_what, files, message) => {
    const result = decodeUploadedFiles({ format: 'pipes-json', files });
    expect(result.pipes).toBeNull();
    expect(messages(result.findings).join('\n')).toContain(message);
  });

  test('sql: each .sql file is the pipe named after it, its text the SQL exactly', () => {
    const result = decodeUploadedFiles({
      format: 'sql',
      files: [
        { name: 'b.sql', text: 'SELECT 2\n' },
        { name: 'a.sql', text: 'SELECT 1' },
      ],
    });
    expect(result).toEqual({
      pipes: [
        { name: 'b', sql: 'SELECT 2\n' },
        { name: 'a', sql: 'SELECT 1' },
      ],
      findings: [],
    });
  });

  test('sql: every problem is found at once, each with its file (and pipe where there is one)', () => {
    const result = decodeUploadedFiles({
      format: 'sql',
      files: [
        { name: 'ok.sql', text: 'SELECT 1' },
        { name: 'blank.sql', text: ' \n' },
        { name: 'a.b.sql', text: 'SELECT 1' },
        { name: 'notes.txt', text: 'x' },
        { name: 'ok.sql', text: 'SELECT 2' },
      ],
    });
    expect(result.pipes).toBeNull();
    expect(messages(result.findings)).toEqual([
      'ok.sql: is given twice',
      expect.stringContaining('blank.sql: pipe "blank": is blank'),
      expect.stringContaining('a.b.sql: "a.b" is not a pipe name'),
      'notes.txt: is not a .sql file',
    ]);
  });

  test('sql: no file is refused', () => {
    expect(messages(decodeUploadedFiles({ format: 'sql', files: [] }).findings)).toEqual([
      '.sql files: none given: choose one or more .sql files',
    ]);
  });
});

describe('planUpload', () => {
  const bucket = listing(entry('a', 3, { name: 'a', sql: 'A' }), entry('b', 5, { name: 'b', sql: 'B' }));
  const files: FilePipe[] = [
    { name: 'a', sql: 'A2' },
    { name: 'b', sql: 'B' },
    { name: 'c', sql: 'C' },
  ];

  test('without bases each write expects what the bucket holds now, and basesOf gives what the plan saw', () => {
    const plan = planUpload({ format: 'pipes-json', pipes: files, listing: bucket });
    expect(plan.actions.map((a) => [a.op, a.name, a.base, a.conflict])).toEqual([
      ['create', 'c', null, undefined],
      ['update', 'a', { revision: 3, from: 'bucket' }, undefined],
    ]);
    expect(basesOf(plan)).toEqual({ a: 3, b: 5, c: null });
  });

  test('with the bases of the plan shown and the bucket unmoved, the same plan, no conflict', () => {
    const shown = planUpload({ format: 'pipes-json', pipes: files, listing: bucket });
    const again = planUpload({ format: 'pipes-json', pipes: files, listing: bucket, bases: basesOf(shown) });
    expect(again.actions.map((a) => [a.op, a.name, a.base?.revision ?? null, a.conflict])).toEqual([
      ['create', 'c', null, undefined],
      ['update', 'a', 3, undefined],
    ]);
  });

  test('a pipe changed after the plan was made is a conflict naming both revisions', () => {
    const moved = listing(entry('a', 7, { name: 'a', sql: 'theirs' }), entry('b', 5, { name: 'b', sql: 'B' }));
    const plan = planUpload({ format: 'pipes-json', pipes: files, listing: moved, bases: { a: 3, b: 5, c: null } });
    expect(plan.actions.find((a) => a.name === 'a')?.conflict).toBe(
      'changed after the plan was made (the plan saw revision 3, it is at revision 7 now)',
    );
  });

  test('a pipe the plan saw unchanged that someone changed since is a conflict, not an update over their change', () => {
    const moved = listing(entry('a', 3, { name: 'a', sql: 'A' }), entry('b', 8, { name: 'b', sql: 'theirs' }));
    const plan = planUpload({ format: 'pipes-json', pipes: files, listing: moved, bases: { a: 3, b: 5, c: null } });
    expect(plan.actions.find((a) => a.name === 'b')?.conflict).toBe(
      'changed after the plan was made (the plan saw revision 5, it is at revision 8 now)',
    );
  });

  test('a pipe the plan would create that someone created since is a conflict', () => {
    const moved = listing(...bucket.pipes, entry('c', 9, { name: 'c', sql: 'theirs' }));
    const plan = planUpload({ format: 'pipes-json', pipes: files, listing: moved, bases: { a: 3, b: 5, c: null } });
    expect(plan.actions.find((a) => a.name === 'c')).toMatchObject({
      op: 'update',
      conflict: 'created by someone else after the plan was made (it is at revision 9 now)',
    });
  });

  test('a pipe deleted after the plan was made is a conflict', () => {
    const moved = listing(entry('b', 5, { name: 'b', sql: 'B' }));
    const plan = planUpload({ format: 'pipes-json', pipes: files, listing: moved, bases: { a: 3, b: 5, c: null } });
    expect(plan.actions.find((a) => a.name === 'a')).toMatchObject({
      op: 'create',
      conflict: 'deleted after the plan was made (the plan saw revision 3)',
    });
  });

  test('with prune, a pipe that came into the bucket after the plan was made is not deleted unseen', () => {
    const shown = planUpload({ format: 'pipes-json', pipes: files, listing: bucket, prune: true });
    const moved = listing(...bucket.pipes, entry('z', 10, { name: 'z', sql: 'new' }));
    const plan = planUpload({ format: 'pipes-json', pipes: files, listing: moved, bases: basesOf(shown), prune: true });
    expect(plan.actions.find((a) => a.name === 'z')).toMatchObject({
      op: 'delete',
      conflict: expect.stringContaining('not in the plan that was shown'),
    });
  });
});

describe('exportedPipes', () => {
  test('every valid pipe sorted by name with its revision and time; invalid entries skipped with why', () => {
    const result = exportedPipes({
      revision: 9,
      pipes: [
        { ...entry('b', 4, { name: 'b', sql: 'B', resolved_tables: ['t'] }), updated: '2026-01-01T00:00:00Z' },
        entry('broken', 6, null, 'not JSON'),
        entry('blank', 7, { name: 'blank', sql: ' ' }, 'blank SQL'),
        entry('a', 2, { name: 'a', sql: 'A', description: '' }),
      ],
    });
    expect(result).toEqual({
      exported: [
        { pipe: { name: 'a', sql: 'A' }, revision: 2 },
        { pipe: { name: 'b', sql: 'B' }, revision: 4, updated: '2026-01-01T00:00:00Z' },
      ],
      skipped: [
        { name: 'blank', revision: 7, reason: 'invalid entry: blank SQL' },
        { name: 'broken', revision: 6, reason: 'invalid entry: not JSON' },
      ],
    });
  });
});
