import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { exportTargetProblem, readFilesFolder, writeExport, writeFileAtomic, writeSidecar } from './folder.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder holding `files` (name → text). */
function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipes-files-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const PIPES = JSON.stringify({ pipes: [{ name: 'a', sql: 'A' }] });

describe('readFilesFolder', () => {
  test('reads pipes.json and the sidecar beside it', async () => {
    const dir = folder({ 'pipes.json': PIPES, '.pipes-export.json': '{"revisions": {"a": 3}}' });
    expect(await readFilesFolder(dir)).toEqual({
      format: 'pipes-json',
      pipes: [{ name: 'a', sql: 'A' }],
      findings: [],
      sidecar: { revisions: { a: 3 } },
    });
  });

  test('reads the top-level .sql files of a folder without pipes.json, ignoring other files and sub-folders', async () => {
    const dir = folder({ 'b.sql': 'B', 'a.sql': 'A', 'notes.txt': 'x' });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'c.sql'), 'C');
    const read = await readFilesFolder(dir);
    expect(read).toMatchObject({ format: 'sql', findings: [], sidecar: null });
    expect(read.pipes).toEqual([
      { name: 'a', sql: 'A' },
      { name: 'b', sql: 'B' },
    ]);
  });

  test('refuses a folder with both pipes.json and .sql files unless told which to read', async () => {
    const dir = folder({ 'pipes.json': PIPES, 'a.sql': 'A' });
    expect((await readFilesFolder(dir)).findings[0]?.message).toContain('holds both pipes.json and .sql files');
    expect((await readFilesFolder(dir, { format: 'sql' })).pipes).toEqual([{ name: 'a', sql: 'A' }]);
  });

  test('refuses a folder with neither', async () => {
    expect((await readFilesFolder(folder())).findings[0]?.message).toContain('holds neither pipes.json nor any .sql file');
  });

  test('reads an empty folder as no pipes when told it is a .sql folder', async () => {
    expect(await readFilesFolder(folder(), { format: 'sql' })).toMatchObject({ pipes: [], findings: [] });
  });

  test('refuses a folder that does not exist', async () => {
    expect((await readFilesFolder('/nonexistent/pipes')).findings).toEqual([{ file: '/nonexistent/pipes', message: 'does not exist' }]);
  });

  test('refuses pipes.json that is missing when told to read it', async () => {
    const dir = folder({ 'a.sql': 'A' });
    expect((await readFilesFolder(dir, { format: 'pipes-json' })).findings).toEqual([
      { file: join(dir, 'pipes.json'), message: 'does not exist' },
    ]);
  });

  test('holds roles.json to the roles pipes.json allows', async () => {
    const dir = folder({
      'pipes.json': JSON.stringify({ pipes: [{ name: 'a', sql: 'A', allowed_roles: ['intern'] }] }),
      'roles.json': '["analyst"]',
    });
    const read = await readFilesFolder(dir);
    expect(read.pipes).toEqual([]);
    expect(read.findings.map((f) => f.message)).toEqual(['role "intern" is not declared in roles.json']);
  });

  test('refuses a roles.json that is not an array of role names', async () => {
    const dir = folder({ 'pipes.json': PIPES, 'roles.json': '{"roles": ["analyst"]}' });
    expect((await readFilesFolder(dir)).findings[0]).toMatchObject({ file: join(dir, 'roles.json') });
  });

  test('refuses a sidecar it cannot read', async () => {
    const dir = folder({ 'pipes.json': PIPES, '.pipes-export.json': '{"revisions": {"a": "3"}}' });
    expect((await readFilesFolder(dir)).findings[0]).toMatchObject({ file: join(dir, '.pipes-export.json'), path: 'revisions.a' });
  });

  test('refuses a .sql entry that is a symbolic link', async () => {
    const dir = folder({ 'real.txt': 'SELECT 1' });
    symlinkSync(join(dir, 'real.txt'), join(dir, 'a.sql'));
    expect((await readFilesFolder(dir)).findings[0]?.message).toContain('is a symbolic link');
  });

  test('reports every refused .sql file, each by its path', async () => {
    const dir = folder({ 'a.b.sql': 'A', 'blank.sql': ' ', 'ok.sql': 'S' });
    const read = await readFilesFolder(dir);
    expect(read.pipes).toEqual([]);
    expect(read.findings.map((f) => f.file)).toEqual([join(dir, 'a.b.sql'), join(dir, 'blank.sql')]);
  });
});

describe('writeFileAtomic', () => {
  test('replaces the file and leaves no temporary file behind', async () => {
    const dir = folder({ 'f.txt': 'old' });
    await writeFileAtomic(join(dir, 'f.txt'), 'new');
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['f.txt']);
  });

  test('leaves no temporary file behind when the rename fails', async () => {
    const dir = folder({ 'f.txt': 'old' });
    mkdirSync(join(dir, 'sub'));
    await expect(writeFileAtomic(join(dir, 'sub'), 'new')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['f.txt', 'sub']);
  });
});

describe('writeExport', () => {
  const exported = [
    { pipe: { name: 'b', sql: 'B' }, revision: 2 },
    { pipe: { name: 'a', sql: 'A', description: 'd' }, revision: 5 },
  ];

  test('pipes.json: the file sorted by name and the sidecar of revisions', async () => {
    const dir = join(folder(), 'new-sub-folder');
    const result = await writeExport(dir, 'pipes-json', exported);
    expect(result.written).toEqual(['pipes.json', '.pipes-export.json']);
    expect(JSON.parse(readFileSync(join(dir, 'pipes.json'), 'utf8')).pipes.map((p: { name: string }) => p.name)).toEqual(['a', 'b']);
    expect(JSON.parse(readFileSync(join(dir, '.pipes-export.json'), 'utf8'))).toEqual({ revisions: { a: 5, b: 2 } });
  });

  test('a second export of the same pipes writes nothing and leaves the bytes and times as they were', async () => {
    const dir = folder();
    await writeExport(dir, 'pipes-json', exported);
    const before = readFileSync(join(dir, 'pipes.json'));
    const mtime = statSync(join(dir, 'pipes.json')).mtimeMs;
    expect((await writeExport(dir, 'pipes-json', [...exported].reverse())).written).toEqual([]);
    expect(readFileSync(join(dir, 'pipes.json')).equals(before)).toBe(true);
    expect(statSync(join(dir, 'pipes.json')).mtimeMs).toBe(mtime);
  });

  test('.sql: one file per pipe holding its SQL exactly', async () => {
    const dir = folder();
    await writeExport(dir, 'sql', exported);
    expect(readdirSync(dir).sort()).toEqual(['.pipes-export.json', 'a.sql', 'b.sql']);
    expect(readFileSync(join(dir, 'a.sql'), 'utf8')).toBe('A');
  });

  test('.sql: removes the file an earlier export wrote for a pipe now gone, and names other .sql files as strays', async () => {
    const dir = folder();
    await writeExport(dir, 'sql', exported);
    writeFileSync(join(dir, 'mine.sql'), 'SELECT 3');
    const result = await writeExport(dir, 'sql', [exported[1]!]);
    expect(result.removed).toEqual(['b.sql']);
    expect(result.strays).toEqual(['mine.sql']);
    expect(readdirSync(dir).sort()).toEqual(['.pipes-export.json', 'a.sql', 'mine.sql']);
  });

  test('.sql: skips a pipe whose name cannot be a file name and leaves it out of the sidecar', async () => {
    const dir = folder();
    const result = await writeExport(dir, 'sql', [{ pipe: { name: 'team/x', sql: 'S' }, revision: 1 }]);
    expect(result.skipped.map((s) => s.name)).toEqual(['team/x']);
    expect(JSON.parse(readFileSync(join(dir, '.pipes-export.json'), 'utf8'))).toEqual({ revisions: {} });
  });
});

describe('exportTargetProblem', () => {
  test('refuses to mix the formats in one folder', async () => {
    expect(await exportTargetProblem(folder({ 'pipes.json': PIPES }), 'sql')).toContain('already holds pipes.json');
    expect(await exportTargetProblem(folder({ 'a.sql': 'A' }), 'pipes-json')).toContain('already holds .sql files');
  });

  test('accepts a folder of the same format, an empty one, or none yet', async () => {
    expect(await exportTargetProblem(folder({ 'pipes.json': PIPES }), 'pipes-json')).toBeNull();
    expect(await exportTargetProblem(folder(), 'sql')).toBeNull();
    expect(await exportTargetProblem(join(folder(), 'later'), 'sql')).toBeNull();
  });
});

test('writeSidecar writes only when the revisions change', async () => {
  const dir = folder();
  expect(await writeSidecar(dir, { revisions: { a: 1 } })).toBe(true);
  expect(await writeSidecar(dir, { revisions: { a: 1 } })).toBe(false);
  expect(await writeSidecar(dir, { revisions: { a: 2 } })).toBe(true);
});
