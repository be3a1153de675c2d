import { describe, expect, test } from 'vitest';
import { importBody, importFilesOf, type PickedFile } from './import-request';

const file = (name: string, text: string): PickedFile => ({ name, bytes: new TextEncoder().encode(text) });

describe('importFilesOf', () => {
  test('.sql files are a .sql import, each with its text', () => {
    expect(importFilesOf([file('a.sql', 'SELECT 1'), file('B.SQL', 'SELECT 2')])).toEqual({
      ok: true,
      files: {
        format: 'sql',
        files: [
          { name: 'a.sql', text: 'SELECT 1' },
          { name: 'B.SQL', text: 'SELECT 2' },
        ],
      },
    });
  });

  test('a .json file of any name is the pipes.json, a roles.json beside it its roles', () => {
    expect(importFilesOf([file('roles.json', '["analyst"]'), file('pipes (1).json', '{"pipes":[]}')])).toEqual({
      ok: true,
      files: { format: 'pipes-json', files: [{ name: 'pipes (1).json', text: '{"pipes":[]}' }], roles: '["analyst"]' },
    });
  });

  test('two pipes files go to the server as they are (it names the problem)', () => {
    const result = importFilesOf([file('a.json', '{}'), file('b.json', '{}')]);
    expect(result.ok && result.files.files.map((f) => f.name)).toEqual(['a.json', 'b.json']);
  });

  test.each([
    ['nothing', [], 'files: none chosen'],
    [
      'a pipes.json with .sql files',
      [file('pipes.json', '{}'), file('a.sql', 'x')],
      'pipes.json, a.sql: choose either a pipes.json or .sql files, not both',
    ],
    ['a roles.json alone', [file('roles.json', '[]')], 'roles.json: alone'],
    ['a roles.json with .sql files', [file('roles.json', '[]'), file('a.sql', 'x')], 'roles.json: goes with a pipes.json'],
    ['a file of another kind', [file('notes.txt', 'x')], 'notes.txt: is neither a .json nor a .sql file'],
    ['a byte-order mark (a JSON string would lose it)', [file('pipes.json', '\ufeff{}')], 'pipes.json: starts with a byte-order mark'],
    ['bytes that are not UTF-8', [{ name: 'a.sql', bytes: new Uint8Array([0x53, 0xff]) }], 'a.sql: is not valid UTF-8'],
  ])('refuses %s', (_what, picked, message) => {
    const result = importFilesOf(picked);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.findings.map((f) => `${f.file}: ${f.message}`).join('\n')).toContain(message);
  });
});

describe('importBody', () => {
  const files = { format: 'sql' as const, files: [{ name: 'a.sql', text: 'SELECT 1' }] };

  test('a dry run carries no note and no bases', () => {
    expect(importBody(files, { prune: true })).toEqual({ ...files, prune: true, apply: false });
  });

  test("apply carries the note and the plan's bases; a blank note is none", () => {
    expect(importBody(files, { prune: false, apply: true, note: 'sync', bases: { a: 3 } })).toEqual({
      ...files,
      prune: false,
      apply: true,
      note: 'sync',
      bases: { a: 3 },
    });
    expect(importBody(files, { prune: false, apply: true, note: '  ' })).not.toHaveProperty('note');
  });
});
