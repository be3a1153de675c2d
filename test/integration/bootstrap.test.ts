// The `.sql` bootstrap against a real nats-server, in-process: bootstrapSqlFiles with a
// supervisor of the test's own (getSupervisor() and its environment are never touched).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { bootstrapSqlFiles } from '@/lib/server/bootstrap';
import { BucketSupervisor, Hub } from '@/lib/server/hub';
import { disposeAll } from '../support/dispose';
import { BUCKET, lastRevision, openRawClient, readBucket, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';

let nats: TestNats;
let raw: RawClient;
let supervisor: BucketSupervisor;
let dir: string;
const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

beforeAll(async () => {
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
  supervisor = new BucketSupervisor({ nats: { servers: [nats.url] }, bucket: BUCKET, history: 3 }, new Hub({ bucket: BUCKET }));
  await supervisor.start();
  await supervisor.hub.ready(10_000);
});

afterAll(() =>
  disposeAll(supervisor && (() => supervisor.stop()), raw && (() => raw.close()), nats && (() => nats.dispose()), () =>
    tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
  ),
);

beforeEach(() => {
  dir = tempDir('pipes-sql-');
});

const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);

test('every top-level *.sql file becomes a pipe named after the file, its SQL the file verbatim, in the WaveHouse format', async () => {
  write('boot_daily.sql', 'SELECT day, count() FROM events\nGROUP BY day\n');
  write('boot-two.sql', "SELECT '{{who}}' AS who");
  mkdirSync(path.join(dir, 'nested'));
  writeFileSync(path.join(dir, 'nested', 'boot_nested.sql'), 'SELECT 1');
  write('boot_notes.txt', 'SELECT 1');
  const before = await lastRevision(raw.kv);

  const result = await bootstrapSqlFiles(dir, supervisor);

  expect(result).toEqual({ created: ['boot-two', 'boot_daily'], kept: [], skipped: [] });
  expect((await raw.kv.get('boot_daily'))?.string()).toBe(
    '{"name":"boot_daily","sql":"SELECT day, count() FROM events\\nGROUP BY day\\n"}',
  );
  expect((await raw.kv.get('boot-two'))?.string()).toBe('{"name":"boot-two","sql":"SELECT \'{{who}}\' AS who"}');
  // Nothing else was written: not the nested file, not the .txt.
  expect(await lastRevision(raw.kv)).toBe(before + 2);
  for (const key of ['boot_nested', 'nested', 'boot_notes']) expect(await raw.kv.get(key), key).toBeNull();
});

test('a file never overwrites an existing key, a key an admin deleted or purged stays deleted, and a second run writes nothing', async () => {
  const existing = await raw.kv.put('boot_existing', '{"name":"boot_existing","sql":"SELECT \'edited in the console\'"}');
  await raw.kv.put('boot_deleted', '{"name":"boot_deleted","sql":"SELECT 1"}');
  await raw.kv.delete('boot_deleted');
  await raw.kv.put('boot_purged', '{"name":"boot_purged","sql":"SELECT 1"}');
  await raw.kv.purge('boot_purged');
  write('boot_existing.sql', 'SELECT 1 -- from the file');
  write('boot_deleted.sql', 'SELECT 2');
  write('boot_purged.sql', 'SELECT 3');
  write('boot_new.sql', 'SELECT 4');
  const before = await lastRevision(raw.kv);

  const first = await bootstrapSqlFiles(dir, supervisor);
  expect(first).toEqual({ created: ['boot_new'], kept: ['boot_deleted', 'boot_existing', 'boot_purged'], skipped: [] });
  expect(await lastRevision(raw.kv)).toBe(before + 1);
  const kept = await raw.kv.get('boot_existing');
  expect(kept?.revision).toBe(existing);
  expect(kept?.string()).toBe('{"name":"boot_existing","sql":"SELECT \'edited in the console\'"}');
  expect((await raw.kv.get('boot_deleted'))?.operation).toBe('DEL');
  expect((await raw.kv.get('boot_purged'))?.operation).toBe('PURGE');

  const state = await readBucket(raw.kv);
  const second = await bootstrapSqlFiles(dir, supervisor);
  expect(second).toEqual({ created: [], kept: ['boot_deleted', 'boot_existing', 'boot_new', 'boot_purged'], skipped: [] });
  expect(await readBucket(raw.kv)).toEqual(state);
});

test('a symlink, an invalid file name, an empty or blank file and a directory named *.sql are skipped, each with a reason', async () => {
  const outside = tempDir('pipes-outside-');
  writeFileSync(path.join(outside, 'secret.sql'), 'SELECT * FROM secrets');
  symlinkSync(path.join(outside, 'secret.sql'), path.join(dir, 'boot_link.sql'));
  write('bad name.sql', 'SELECT 1');
  write('boot.dotted.sql', 'SELECT 1');
  write('boot_empty.sql', '');
  write('boot_blank.sql', '  \n\t\n');
  mkdirSync(path.join(dir, 'boot_dir.sql'));
  write('boot_ok.sql', 'SELECT 1');
  const before = await lastRevision(raw.kv);

  const result = await bootstrapSqlFiles(dir, supervisor);

  expect(result.created).toEqual(['boot_ok']);
  expect(result.kept).toEqual([]);
  const reasons = Object.fromEntries(result.skipped.map((s) => [s.file, s.reason]));
  expect(Object.keys(reasons).sort()).toEqual(
    ['bad name.sql', 'boot.dotted.sql', 'boot_blank.sql', 'boot_dir.sql', 'boot_empty.sql', 'boot_link.sql'].sort(),
  );
  expect(reasons['boot_link.sql']).toMatch(/symbolic link/);
  expect(reasons['bad name.sql']).toMatch(/not a valid pipe name/);
  expect(reasons['boot.dotted.sql']).toMatch(/not a valid pipe name/);
  expect(reasons['boot_empty.sql']).toMatch(/sql/);
  expect(reasons['boot_blank.sql']).toMatch(/sql/);
  expect(reasons['boot_dir.sql']).toMatch(/not a regular file/);
  expect(await lastRevision(raw.kv)).toBe(before + 1);
  // ("bad name" is not even a legal key, so there is nothing to look up.)
  for (const key of ['boot_link', 'boot.dotted', 'boot_empty', 'boot_blank', 'boot_dir']) expect(await raw.kv.get(key), key).toBeNull();
});

test('a folder that does not exist fails with a message naming it', async () => {
  const missing = path.join(dir, 'nope');
  await expect(bootstrapSqlFiles(missing, supervisor)).rejects.toThrow(missing);
});
