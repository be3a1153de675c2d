// Export and Import as the console's own routes (GET /api/export, POST /api/import) against the
// production console and a real nats-server. A raw nats.js client plays the other writer and reads
// the bucket itself, so "writes nothing" is checked against the bucket, not against what the
// console says; the CLI's export is the yardstick for the download's bytes.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ArchivedChange } from '@/lib/pipes/entry';
import type { TestConsole } from '../support/console';
import { startFilesStack, type FilesStack } from '../support/files-stack';
import { lastRevision, readBucket, type RawClient } from '../support/kv';
import { waitFor } from '../support/poll';

const CLI = path.resolve(import.meta.dirname, '../../scripts/pipes.mjs');
const ADMIN = 'files-ui-admin-token';
const VIEWER = 'files-ui-viewer-token';

let stack: FilesStack;
let raw: RawClient, app: TestConsole;
let api: FilesStack['api'], listing: FilesStack['listing'], putRaw: FilesStack['putRaw'], freshFolder: FilesStack['freshFolder'];

beforeAll(async () => {
  stack = await startFilesStack({
    env: { PIPES_ADMIN_TOKEN: ADMIN, PIPES_VIEWER_TOKEN: VIEWER },
    token: ADMIN,
    deviceSql: "SELECT * FROM devices WHERE id = {{id}} -- ünïcödé '€'",
    folderPrefix: 'pipes-files-ui-it-',
  });
  ({ raw, app, api, listing, putRaw, freshFolder } = stack);
});

afterAll(() => stack?.dispose());

function cliExport(dir: string, format: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'export', dir, '--format', format], {
      env: { ...process.env, PIPES_URL: app.url, PIPES_TOKEN: ADMIN },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

type ImportAnswer = {
  outcome?: string;
  error?: string;
  actions?: { op: string; name: string; precondition: Record<string, string>; written?: boolean }[];
  conflicts?: { name: string; reason: string }[];
  bases?: Record<string, number | null>;
  done?: { name: string; op: string; revision?: number }[];
  findings?: { file: string; pipe?: string; path?: string; message: string }[];
};

async function postImport(body: unknown, { token = ADMIN, headers = {} }: { token?: string; headers?: Record<string, string> } = {}) {
  const res = await api(
    '/api/import',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
    token,
  );
  return { status: res.status, body: (await res.json()) as ImportAnswer };
}

const pipesFile = (pipes: Record<string, unknown>[], name = 'pipes.json') => ({ name, text: `${JSON.stringify({ pipes }, null, 2)}\n` });

/** The export's pipes.json, edited: `edit` gets the parsed pipes. */
async function editedExport(edit: (pipes: { name: string; sql: string; [k: string]: unknown }[]) => void, name = 'pipes.json') {
  const res = await api('/api/export?format=pipes-json');
  expect(res.status).toBe(200);
  const pipes = (JSON.parse(await res.text()) as { pipes: { name: string; sql: string }[] }).pipes;
  edit(pipes);
  return pipesFile(pipes, name);
}

describe('GET /api/export', () => {
  test('format=pipes-json answers the bytes the CLI export writes, as an attachment named pipes.json', async () => {
    const dir = freshFolder();
    const run = await cliExport(dir, 'pipes-json');
    expect(run.code, run.stderr).toBe(0);
    const res = await api('/api/export?format=pipes-json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pipes.json"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(dir, 'pipes.json')))).toBe(true);
  });

  test('the invalid entry is left out, and the X-Pipes-Left-Out header counts it', async () => {
    const res = await api('/api/export?format=pipes-json');
    expect(res.headers.get('x-pipes-left-out')).toBe('1');
    expect(res.headers.get('x-pipes-revision')).toBe(String((await listing()).revision));
    expect((JSON.parse(await res.text()) as { pipes: { name: string }[] }).pipes.map((p) => p.name)).not.toContain('broken');
  });

  test("format=sql is a zip (pipes-sql.zip) holding one <name>.sql per valid pipe, each the pipe's SQL exactly", async () => {
    const res = await api('/api/export?format=sql');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pipes-sql.zip"');
    const zip = path.join(freshFolder(), 'pipes-sql.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    expect(execFileSync('/usr/bin/unzip', ['-t', zip], { encoding: 'utf8' })).toContain('No errors detected');
    const { values } = await readBucket(raw.kv);
    const valid = [...values].filter(([key]) => key !== 'broken');
    const names = execFileSync('/usr/bin/unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(names).toEqual(valid.map(([key]) => `${key}.sql`).sort());
    for (const [key, stored] of valid) {
      const sql = (JSON.parse(stored.text) as { sql: string }).sql;
      expect(execFileSync('/usr/bin/unzip', ['-p', zip, `${key}.sql`], { encoding: 'utf8' }), key).toBe(sql);
    }
  });

  test('an unknown format is a 400 that says which formats there are', async () => {
    const res = await api('/api/export?format=yaml');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('format must be pipes-json or sql, got "yaml"');
  });

  test('a viewer may export', async () => {
    expect((await api('/api/export?format=sql', {}, VIEWER)).status).toBe(200);
  });
});

describe('POST /api/import', () => {
  test('a dry run answers the plan and writes nothing: the bucket stays at its revision', async () => {
    const file = await editedExport((pipes) => {
      pipes.find((p) => p.name === 'a_first')!.sql = 'SELECT 100';
      pipes.push({ name: 'dry_new', sql: 'SELECT 2' });
    });
    const before = await readBucket(raw.kv);
    const answer = await postImport({ format: 'pipes-json', files: [file] });
    expect(answer.status, answer.body.error).toBe(200);
    expect(answer.body.outcome).toBe('planned');
    expect(answer.body.actions?.map((a) => [a.op, a.name])).toEqual([
      ['create', 'dry_new'],
      ['update', 'a_first'],
    ]);
    expect(answer.body.bases).toMatchObject({ dry_new: null, a_first: before.values.get('a_first')!.revision });
    expect(await readBucket(raw.kv)).toEqual(before);
  });

  test('apply writes the plan by compare-and-set, and the history of each write shows the note and the person', async () => {
    const key = 'ui_noted';
    const revision = await putRaw(key, { name: key, sql: 'SELECT 1', resolved_tables: ['t'] });
    const file = await editedExport((pipes) => {
      pipes.find((p) => p.name === key)!.sql = 'SELECT 2';
      pipes.push({ name: 'ui_created', sql: 'SELECT 3' });
    }, 'pipes (1).json');
    const planned = await postImport({ format: 'pipes-json', files: [file] });
    expect(planned.body.actions?.find((a) => a.name === key)?.precondition).toEqual({ 'If-Match': `"${revision}"` });
    const answer = await postImport({ format: 'pipes-json', files: [file], apply: true, note: 'from the UI', bases: planned.body.bases });
    expect(answer.status, answer.body.error).toBe(200);
    expect(answer.body.outcome).toBe('applied');
    expect(answer.body.done?.map((d) => [d.op, d.name])).toEqual([
      ['create', 'ui_created'],
      ['update', key],
    ]);
    const entry = await raw.kv.get(key);
    expect(entry?.json()).toEqual({ name: key, sql: 'SELECT 2', resolved_tables: ['t'] });
    expect((await raw.kv.get('ui_created'))?.json()).toEqual({ name: 'ui_created', sql: 'SELECT 3' });
    for (const [name, at] of [
      [key, entry!.revision],
      ['ui_created', answer.body.done![0]!.revision!],
    ] as const) {
      const history = await waitFor(
        async () => {
          const body = (await (await api(`/api/pipes/${name}/history`)).json()) as { history: ArchivedChange[] };
          return body.history[0]?.revision === at && body.history[0].note !== undefined ? body.history : undefined;
        },
        { what: `the history of ${name} to show the import's note` },
      );
      expect(history[0]).toMatchObject({ revision: at, note: 'from the UI', actor: 'admin token' });
    }
  });

  test('a change made between the dry run and apply is a 409 naming the pipe, and nothing is written', async () => {
    const key = 'ui_raced';
    await putRaw(key, { name: key, sql: 'SELECT 1' });
    const file = await editedExport((pipes) => {
      pipes.find((p) => p.name === key)!.sql = 'SELECT mine';
      pipes.push({ name: 'ui_raced_new', sql: 'SELECT also mine' });
    });
    const planned = await postImport({ format: 'pipes-json', files: [file] });
    expect(planned.body.conflicts).toEqual([]);
    const theirs = await putRaw(key, { name: key, sql: 'SELECT theirs' });
    const before = await readBucket(raw.kv);
    const answer = await postImport({ format: 'pipes-json', files: [file], apply: true, bases: planned.body.bases });
    expect(answer.status).toBe(409);
    expect(answer.body.conflicts?.map((c) => c.name)).toEqual([key]);
    expect(answer.body.error).toContain(
      `${key}: changed after the plan was made (the plan saw revision ${planned.body.bases![key]}, it is at revision ${theirs} now)`,
    );
    expect(answer.body.done).toEqual([]);
    expect(await readBucket(raw.kv)).toEqual(before);
  });

  test('a pipe the dry run showed unchanged and someone changed since is a 409, not overwritten', async () => {
    const key = 'ui_untouched';
    await putRaw(key, { name: key, sql: 'SELECT 1' });
    const file = await editedExport(() => {});
    const planned = await postImport({ format: 'pipes-json', files: [file] });
    expect(planned.body.actions).toEqual([]);
    await putRaw(key, { name: key, sql: 'SELECT theirs' });
    const before = await readBucket(raw.kv);
    const answer = await postImport({ format: 'pipes-json', files: [file], apply: true, bases: planned.body.bases });
    expect(answer.status).toBe(409);
    expect(answer.body.conflicts?.map((c) => c.name)).toEqual([key]);
    expect(await readBucket(raw.kv)).toEqual(before);
  });

  test.each([
    [
      'a blank SQL',
      {
        format: 'pipes-json',
        files: [
          pipesFile([
            { name: 'probe_ok', sql: 'SELECT 1' },
            { name: 'blank', sql: ' ' },
          ]),
        ],
      },
      { file: 'pipes.json', pipe: 'blank', path: 'pipes[1].sql' },
    ],
    [
      'an unknown field',
      {
        format: 'pipes-json',
        files: [
          pipesFile([
            { name: 'probe_ok', sql: 'SELECT 1' },
            { name: 'extra', sql: 'SELECT 1', resolved_tables: [] },
          ]),
        ],
      },
      { file: 'pipes.json', pipe: 'extra', path: 'pipes[1].resolved_tables' },
    ],
    [
      'a role roles.json does not declare',
      { format: 'pipes-json', files: [pipesFile([{ name: 'probe_ok', sql: 'SELECT 1', allowed_roles: ['ghost'] }])], roles: '["analyst"]' },
      { file: 'pipes.json', pipe: 'probe_ok' },
    ],
    [
      'a name the console would not create',
      {
        format: 'pipes-json',
        files: [
          pipesFile([
            { name: 'probe_ok', sql: 'SELECT 1' },
            { name: 'team.daily', sql: 'SELECT 1' },
          ]),
        ],
      },
      { file: 'pipes.json', pipe: 'team.daily' },
    ],
    [
      'a blank .sql file',
      {
        format: 'sql',
        files: [
          { name: 'probe_ok.sql', text: 'SELECT 1' },
          { name: 'blank.sql', text: '\n' },
        ],
      },
      { file: 'blank.sql', pipe: 'blank' },
    ],
    [
      'a byte-order mark',
      {
        format: 'pipes-json',
        files: [{ name: 'pipes.json', text: `\ufeff${JSON.stringify({ pipes: [{ name: 'probe_ok', sql: 'SELECT 1' }] })}` }],
      },
      { file: 'pipes.json' },
    ],
  ])('refused files (%s) are a 400 with findings naming file, pipe and reason; nothing is written', async (_what, body, finding) => {
    const before = await readBucket(raw.kv);
    const answer = await postImport({ ...body, apply: true });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/refused/);
    expect(answer.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ ...finding, message: expect.any(String) })]));
    expect(await readBucket(raw.kv)).toEqual(before);
  });

  test('a viewer is refused with 403, and nothing is written', async () => {
    const before = await lastRevision(raw.kv);
    const answer = await postImport(
      { format: 'sql', files: [{ name: 'viewer_try.sql', text: 'SELECT 1' }], apply: true },
      { token: VIEWER },
    );
    expect(answer.status).toBe(403);
    expect(await lastRevision(raw.kv)).toBe(before);
  });

  test("a browser session's import from another origin is refused with 403", async () => {
    const signIn = await fetch(`${app.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ token: ADMIN }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const before = await lastRevision(raw.kv);
    const body = JSON.stringify({ format: 'sql', files: [{ name: 'csrf_try.sql', text: 'SELECT 1' }], apply: true });
    const res = await fetch(`${app.url}/api/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: 'http://evil.example' },
      body,
    });
    expect(res.status).toBe(403);
    expect(await lastRevision(raw.kv)).toBe(before);
  });

  test('a body over 1 MiB is taken (the import limit is 32 MiB); one over 32 MiB is a 413', async () => {
    const big = pipesFile([{ name: 'a_first', sql: `SELECT 1 -- ${'x'.repeat(1_500_000)}` }]);
    const planned = await postImport({ format: 'pipes-json', files: [big] });
    expect(planned.status, planned.body.error).toBe(200);
    const tooBig = { format: 'sql', files: [{ name: 'huge.sql', text: 'x'.repeat(33 * 1024 * 1024) }] };
    expect((await postImport(tooBig)).status).toBe(413);
  });

  test('a malformed request is a 400 naming the field', async () => {
    const answer = await postImport({ format: 'yaml', files: [] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('format');
  });
});
