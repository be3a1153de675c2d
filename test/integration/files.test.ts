// The files CLI (`npm run pipes`, scripts/pipes.mjs) against the production console and a real
// nats-server, run as a child process the way a person runs it, with PIPES_URL and PIPES_TOKEN.
// A raw nats.js client plays the other writer and reads the bucket itself, so "writes nothing"
// is checked against the bucket, not against what the console says. One stack for the file;
// every test exports into a folder of its own.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ArchivedChange } from '@/lib/pipes/entry';
import type { TestConsole } from '../support/console';
import { startFilesStack, type FilesStack } from '../support/files-stack';
import { lastRevision, readBucket, type RawClient } from '../support/kv';
import { waitFor } from '../support/poll';

const CLI = path.resolve(import.meta.dirname, '../../scripts/pipes.mjs');
const TOKEN = 'files-admin-token';

let stack: FilesStack;
let raw: RawClient, app: TestConsole;
let api: FilesStack['api'], putRaw: FilesStack['putRaw'], freshFolder: FilesStack['freshFolder'];

beforeAll(async () => {
  stack = await startFilesStack({
    env: { PIPES_ADMIN_TOKEN: TOKEN },
    token: TOKEN,
    deviceSql: 'SELECT * FROM devices WHERE id = {{id}}',
    folderPrefix: 'pipes-files-it-',
  });
  ({ raw, app, api, putRaw, freshFolder } = stack);
});

afterAll(() => stack?.dispose());

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI to its end. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, PIPES_URL: app.url, PIPES_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The stored value of `key`, parsed, read from the bucket itself. */
async function stored(key: string): Promise<Record<string, unknown> | null> {
  const entry = await raw.kv.get(key);
  return entry && entry.operation === 'PUT' ? (entry.json() as Record<string, unknown>) : null;
}

/** Exports into a fresh folder (in `format`) and returns it. */
async function exported(format: 'pipes-json' | 'sql' = 'pipes-json'): Promise<string> {
  const dir = freshFolder();
  const run = await cli('export', dir, '--format', format);
  expect(run.code, run.stderr).toBe(0);
  return dir;
}

type FilePipe = { name: string; sql: string; description?: string; [field: string]: unknown };
const readPipesFile = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'pipes.json'), 'utf8')) as { pipes: FilePipe[] };
const writePipesFile = (dir: string, doc: { pipes: FilePipe[] }) =>
  writeFileSync(path.join(dir, 'pipes.json'), `${JSON.stringify(doc, null, 2)}\n`);

/** Applies `edit` to the pipe `name` of DIR/pipes.json. */
function editPipe(dir: string, name: string, edit: (pipe: FilePipe) => void): void {
  const doc = readPipesFile(dir);
  const pipe = doc.pipes.find((p) => p.name === name);
  if (!pipe) throw new Error(`${name} is not in ${dir}/pipes.json`);
  edit(pipe);
  writePipesFile(dir, doc);
}

/** Every file of `dir` with its bytes. */
function folderBytes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name), 'base64')]));
}

describe('export', () => {
  test('pipes.json holds every valid pipe with only the five known fields, sorted by name, as 2-space JSON with a final newline', async () => {
    const dir = await exported();
    const text = readFileSync(path.join(dir, 'pipes.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(JSON.parse(text).pipes).toEqual([
      { name: 'a_first', sql: 'SELECT 1' },
      {
        name: 'device_by_id',
        sql: 'SELECT * FROM devices WHERE id = {{id}}',
        parameters: [{ name: 'id', type: 'string', required: true }],
        allowed_roles: ['analyst', 'support'],
      },
      {
        name: 'top_events',
        sql: 'SELECT event, count() AS n\nFROM events\nGROUP BY event\nLIMIT {{limit}}',
        parameters: [{ name: 'limit', type: 'number', default: 10 }],
        description: 'Most frequent events',
      },
    ]);
  });

  test('the sidecar holds the bucket revision of every exported pipe', async () => {
    const dir = await exported();
    const sidecar = JSON.parse(readFileSync(path.join(dir, '.pipes-export.json'), 'utf8'));
    const revisions: Record<string, number> = {};
    for (const key of ['a_first', 'device_by_id', 'top_events']) revisions[key] = (await raw.kv.get(key))!.revision;
    expect(sidecar).toEqual({ revisions });
  });

  test('an invalid entry is skipped and named on stderr', async () => {
    const dir = freshFolder();
    const run = await cli('export', dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/skipped broken \(r\d+\): invalid entry/);
    expect(readPipesFile(dir).pipes.map((p) => p.name)).not.toContain('broken');
  });

  test('a second export of the same bucket is byte-identical', async () => {
    const dir = await exported();
    const first = folderBytes(dir);
    const again = await cli('export', dir);
    expect(again.code).toBe(0);
    const other = await exported();
    expect(folderBytes(dir)).toEqual(first);
    expect(folderBytes(other)).toEqual(first);
  });
});

describe('import of an unchanged export', () => {
  test('exits 0 and leaves the bucket at the revision it was at', async () => {
    const dir = await exported();
    const before = await lastRevision(raw.kv);
    const run = await cli('import', dir);
    expect(run.code, run.stderr).toBe(0);
    expect(await lastRevision(raw.kv)).toBe(before);
  });

  test('diff exits 0', async () => {
    const dir = await exported();
    const run = await cli('diff', dir);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('No differences');
  });
});

describe('an edited pipes.json', () => {
  test('diff exits 1 and shows the SQL line diff and the changed field', async () => {
    const dir = await exported();
    editPipe(dir, 'top_events', (p) => {
      p.sql = p.sql.replace('LIMIT {{limit}}', 'ORDER BY n DESC\nLIMIT {{limit}}');
      p.description = 'Top events';
    });
    const run = await cli('diff', dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  ~ top_events (bucket r');
    expect(run.stdout).toContain('      description: "Most frequent events" → "Top events"');
    expect(run.stdout).toContain(' GROUP BY event\n      +ORDER BY n DESC\n       LIMIT {{limit}}');
  });

  test('import --note x writes it by compare-and-set, and the history of the change shows the note "x"', async () => {
    const key = 'noted_pipe';
    const revision = await putRaw(key, { name: key, sql: 'SELECT 1' });
    const dir = await exported();
    editPipe(dir, key, (p) => (p.sql = 'SELECT 2'));
    const run = await cli('import', dir, '--note', 'x');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`updated ${key} → r`);
    expect(run.stdout).toContain(`If-Match: "${revision}" (the revision in .pipes-export.json)`);
    const entry = await raw.kv.get(key);
    expect(entry?.json()).toEqual({ name: key, sql: 'SELECT 2' });
    const history = await waitFor(
      async () => {
        const res = await api(`/api/pipes/${key}/history`);
        const body = (await res.json()) as { history: ArchivedChange[] };
        return body.history[0]?.revision === entry?.revision ? body.history : undefined;
      },
      { what: `the history of ${key} to show its import` },
    );
    expect(history[0]).toMatchObject({ revision: entry!.revision, note: 'x', actor: 'admin token' });
  });

  test('import keeps the fields pipes.json cannot carry (an unknown field, a parameter extra)', async () => {
    const key = 'kept_fields';
    const value = {
      name: key,
      sql: 'SELECT {{n}}',
      parameters: [{ name: 'n', type: 'number', ui_hint: 'slider' }],
      resolved_tables: ['t'],
    };
    await putRaw(key, value);
    const dir = await exported();
    editPipe(dir, key, (p) => (p.description = 'added in the file'));
    const run = await cli('import', dir);
    expect(run.code, run.stderr).toBe(0);
    expect(await stored(key)).toEqual({ ...value, description: 'added in the file' });
  });

  test('import --dry-run prints the plan and writes nothing, neither to the bucket nor to the folder', async () => {
    const dir = await exported();
    editPipe(dir, 'a_first', (p) => (p.sql = 'SELECT 100'));
    const files = folderBytes(dir);
    const before = await readBucket(raw.kv);
    const run = await cli('import', dir, '--dry-run');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('would update a_first, If-Match: "');
    expect(run.stdout).toContain('Dry run: nothing was written.');
    expect(await readBucket(raw.kv)).toEqual(before);
    expect(folderBytes(dir)).toEqual(files);
  });
});

describe('conflicts', () => {
  test('a pipe changed in the bucket after the export makes import exit 1 naming the pipe, and nothing is written', async () => {
    const key = 'raced_pipe';
    await putRaw(key, { name: key, sql: 'SELECT 1' });
    const dir = await exported();
    editPipe(dir, key, (p) => (p.sql = 'SELECT mine'));
    editPipe(dir, 'a_first', (p) => (p.sql = 'SELECT also mine'));
    await putRaw(key, { name: key, sql: 'SELECT theirs' });
    const before = await readBucket(raw.kv);
    const run = await cli('import', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `conflict: ${key}: changed in the bucket since the export \\(\\.pipes-export\\.json has revision \\d+, the bucket \\d+\\)`,
      ),
    );
    expect(await readBucket(raw.kv)).toEqual(before);
  });
});

describe('--prune', () => {
  test('import --prune deletes a pipe the files lack', async () => {
    const key = 'pruned_pipe';
    await putRaw(key, { name: key, sql: 'SELECT 1' });
    const dir = await exported();
    writePipesFile(dir, { pipes: readPipesFile(dir).pipes.filter((p) => p.name !== key) });
    const run = await cli('import', dir, '--prune');
    expect(run.code, run.stderr).toBe(0);
    expect(await raw.kv.get(key)).toMatchObject({ operation: 'DEL' });
  });
});

describe('a refused pipes.json writes nothing', () => {
  // Each file also asks to create a pipe, so a reader that let the problem through would write it.
  const probe = { name: 'refusal_probe', sql: "SELECT 'written'" };
  const withProbe = (pipe: Record<string, unknown>) => JSON.stringify({ pipes: [probe, pipe] }, null, 2);

  test.each([
    ['a byte-order mark', `\ufeff${withProbe({ name: 'bom_pipe', sql: 'SELECT 1' })}`, 'starts with a byte-order mark'],
    [
      'a duplicate key',
      `{"pipes": [${JSON.stringify(probe)}, {"name": "dup", "sql": "A", "sql": "B"}]}`,
      'pipe "dup": pipes[1].sql: duplicate key "sql"',
    ],
    [
      'an unknown field',
      withProbe({ name: 'unknown_field', sql: 'SELECT 1', resolved_tables: [] }),
      'pipes[1].resolved_tables: unknown field "resolved_tables"',
    ],
    ['a top-level null', 'null', 'the top level must be an object'],
    ['trailing data', `${withProbe({ name: 'trailing', sql: 'SELECT 1' })}\n{"pipes": []}`, 'trailing data after the JSON value'],
    ['a name the console would not create', withProbe({ name: 'team.daily', sql: 'SELECT 1' }), 'pipe "team.daily": cannot be created'],
    ['a blank sql', withProbe({ name: 'blank_sql', sql: '  \n' }), 'pipe "blank_sql": pipes[1].sql: is blank'],
  ])('%s: import exits 2 naming the file, the pipe and the reason', async (_what, text, reason) => {
    const dir = freshFolder();
    writeFileSync(path.join(dir, 'pipes.json'), text);
    const files = folderBytes(dir);
    const before = await readBucket(raw.kv);
    const run = await cli('import', dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(path.join(dir, 'pipes.json'));
    expect(run.stderr).toContain(reason);
    expect(await readBucket(raw.kv)).toEqual(before);
    expect(folderBytes(dir)).toEqual(files);
  });
});

describe('.sql folders', () => {
  test('export then import of an edited .sql file changes only the SQL and keeps every other field of the pipe', async () => {
    const key = 'sql_round_trip';
    const value = {
      name: key,
      sql: 'SELECT 1',
      parameters: [{ name: 'n', type: 'number', default: 5, ui_hint: 'slider' }],
      description: 'kept',
      allowed_roles: ['analyst'],
      resolved_tables: ['t'],
    };
    await putRaw(key, value);
    const dir = await exported('sql');
    expect(readFileSync(path.join(dir, `${key}.sql`), 'utf8')).toBe('SELECT 1');
    writeFileSync(path.join(dir, `${key}.sql`), 'SELECT {{n}}\nFROM t');
    const run = await cli('import', dir);
    expect(run.code, run.stderr).toBe(0);
    expect(await stored(key)).toEqual({ ...value, sql: 'SELECT {{n}}\nFROM t' });
  });

  test('export then import of an unchanged .sql folder leaves the bucket at the revision it was at', async () => {
    const dir = await exported('sql');
    const before = await lastRevision(raw.kv);
    const run = await cli('import', dir);
    expect(run.code, run.stderr).toBe(0);
    expect(await lastRevision(raw.kv)).toBe(before);
  });
});
