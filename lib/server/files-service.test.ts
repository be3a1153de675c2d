// The import's request rules and stopping rules with the bucket faked: what is written, in which
// order, with which precondition and note, and where it stops. The real thing (cache, NATS,
// archive) is in test/integration/files-ui.test.ts.
import { describe, expect, test } from 'vitest';
import type { BucketEntry, Listing } from '@/lib/files/types.d.mts';
import type { Principal } from '@/lib/server/auth';
import { BadRequestError, FilesRefusedError, PreconditionFailedError, UnavailableError } from '@/lib/server/errors';
import { importFiles, type ImportIo } from './files-service';
import type { Author, Precondition } from './pipe-service';

const admin: Principal = { name: 'ana', role: 'admin', via: 'session' };
const entry = (key: string, revision: number, sql: string): BucketEntry => ({ key, revision, value: { name: key, sql } });

type Sent = { op: 'put' | 'delete'; key: string; precondition: Precondition; note?: string; body?: unknown };

/** A bucket in memory; `fail(key)` makes the write of that key throw what it returns. */
function fakeBucket(listing: Listing, fail: (key: string) => Error | undefined = () => undefined) {
  const sent: Sent[] = [];
  let next = listing.revision + 1;
  const io: ImportIo = {
    listing: async () => listing,
    put: async (key: string, body: unknown, precondition: Precondition, author: Author) => {
      sent.push({ op: 'put', key, precondition, body, ...(author.note === undefined ? {} : { note: author.note }) });
      const error = fail(key);
      if (error) throw error;
      return { revision: next++ };
    },
    remove: async (key: string, precondition: Precondition, author: Author) => {
      sent.push({ op: 'delete', key, precondition, ...(author.note === undefined ? {} : { note: author.note }) });
      const error = fail(key);
      if (error) throw error;
      next++;
    },
  };
  return { io, sent };
}

const bucket: Listing = { revision: 5, pipes: [entry('a', 2, 'A'), entry('b', 4, 'B'), entry('gone', 5, 'G')] };
const pipesFile = (pipes: { name: string; sql: string }[]) => ({ name: 'pipes.json', text: JSON.stringify({ pipes }) });
const edited = pipesFile([
  { name: 'a', sql: 'A2' },
  { name: 'b', sql: 'B2' },
  { name: 'new_one', sql: 'N' },
]);

describe('importFiles', () => {
  test('a dry run writes nothing and answers the plan with the bases it was made against', async () => {
    const { io, sent } = fakeBucket(bucket);
    const answer = await importFiles({ format: 'pipes-json', files: [edited] }, admin, io);
    expect(sent).toEqual([]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'planned',
      revision: 5,
      actions: [
        { op: 'create', name: 'new_one', precondition: { 'If-None-Match': '*' } },
        { op: 'update', name: 'a', precondition: { 'If-Match': '"2"' } },
        { op: 'update', name: 'b', precondition: { 'If-Match': '"4"' } },
      ],
      conflicts: [],
      bases: { a: 2, b: 4, new_one: null },
    });
  });

  test('apply writes every action in order, each with its precondition and the note', async () => {
    const { io, sent } = fakeBucket(bucket);
    const answer = await importFiles({ format: 'pipes-json', files: [edited], prune: true, apply: true, note: 'sync' }, admin, io);
    expect(answer.status).toBe(200);
    expect(sent.map((s) => [s.op, s.key, s.precondition, s.note])).toEqual([
      ['put', 'new_one', { kind: 'absent' }, 'sync'],
      ['put', 'a', { kind: 'revision', revision: 2 }, 'sync'],
      ['put', 'b', { kind: 'revision', revision: 4 }, 'sync'],
      ['delete', 'gone', { kind: 'revision', revision: 5 }, 'sync'],
    ]);
    expect(answer.body).toMatchObject({
      outcome: 'applied',
      done: [
        { name: 'new_one', op: 'create', revision: 6 },
        { name: 'a', op: 'update', revision: 7 },
        { name: 'b', op: 'update', revision: 8 },
        { name: 'gone', op: 'delete' },
      ],
    });
  });

  test('a 412 on a write stops there: 409 naming the pipe, what came before written, nothing after it sent', async () => {
    const { io, sent } = fakeBucket(bucket, (key) => (key === 'a' ? new PreconditionFailedError('"a" is at revision 9', null) : undefined));
    const answer = await importFiles({ format: 'pipes-json', files: [edited], apply: true }, admin, io);
    expect(answer.status).toBe(409);
    expect(sent.map((s) => s.key)).toEqual(['new_one', 'a']);
    expect(answer.body).toMatchObject({
      outcome: 'conflict',
      error: expect.stringMatching(
        /^conflict on a: changed after the plan was made: "a" is at revision 9 \(the import expected revision 2\); 1 of 3 writes done before it/,
      ),
      conflicts: [{ name: 'a' }],
      done: [{ name: 'new_one', op: 'create' }],
    });
  });

  test('a conflict the plan finds (the bases are older than the bucket) is a 409 before anything is written', async () => {
    const { io, sent } = fakeBucket(bucket);
    const answer = await importFiles(
      { format: 'pipes-json', files: [edited], apply: true, bases: { a: 2, b: 3, new_one: null } },
      admin,
      io,
    );
    expect(answer.status).toBe(409);
    expect(sent).toEqual([]);
    expect(answer.body).toMatchObject({
      outcome: 'conflict',
      error: expect.stringContaining('b: changed after the plan was made (the plan saw revision 3, it is at revision 4 now)'),
      done: [],
    });
  });

  test('a failure that is no race stops the run with its own status, the writes before it reported', async () => {
    const { io, sent } = fakeBucket(bucket, (key) => (key === 'b' ? new UnavailableError('NATS is unreachable') : undefined));
    const answer = await importFiles({ format: 'pipes-json', files: [edited], apply: true }, admin, io);
    expect(answer.status).toBe(503);
    expect(sent.map((s) => s.key)).toEqual(['new_one', 'a', 'b']);
    expect(answer.body).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('update b failed: NATS is unreachable; 2 of 3 writes done before it'),
      done: [{ name: 'new_one' }, { name: 'a' }],
    });
  });

  test('refused files throw every finding, and nothing is listed or written', async () => {
    const { io, sent } = fakeBucket(bucket);
    const bad = { name: 'mine.json', text: JSON.stringify({ pipes: [{ name: 'x', sql: ' ' }] }) };
    const err = await importFiles({ format: 'pipes-json', files: [bad], apply: true }, admin, io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FilesRefusedError);
    expect((err as FilesRefusedError).findings).toEqual([expect.objectContaining({ file: 'mine.json', pipe: 'x', path: 'pipes[0].sql' })]);
    expect(sent).toEqual([]);
  });

  test('a pipe the console would not create is refused as a finding of the file it came from', async () => {
    const { io, sent } = fakeBucket(bucket);
    const file = { name: 'export (2).json', text: JSON.stringify({ pipes: [{ name: 'team.daily', sql: 'SELECT 1' }] }) };
    const err = (await importFiles({ format: 'pipes-json', files: [file], apply: true }, admin, io).catch(
      (e: unknown) => e,
    )) as FilesRefusedError;
    expect(err.findings).toEqual([
      expect.objectContaining({ file: 'export (2).json', pipe: 'team.daily', message: expect.stringContaining('cannot be created') }),
    ]);
    expect(sent).toEqual([]);
  });

  test.each([
    ['no format', { files: [] }, 'format'],
    ['an unknown format', { format: 'yaml', files: [] }, 'format'],
    ['an unknown field', { format: 'sql', files: [], force: true }, 'force'],
    ['a file without text', { format: 'sql', files: [{ name: 'a.sql' }] }, 'files.0.text'],
    ['a base that is not a revision', { format: 'sql', files: [], bases: { a: 0 } }, 'bases.a'],
    ['bases that are a list', { format: 'sql', files: [], bases: [1] }, 'bases'],
    ['a note over 500 characters', { format: 'sql', files: [], note: 'x'.repeat(501) }, 'note'],
  ])('%s is a 400 naming the field', async (_what, body, path) => {
    const { io } = fakeBucket(bucket);
    const err = (await importFiles(body, admin, io).catch((e: unknown) => e)) as BadRequestError;
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.issues.map((i) => i.path)).toContain(path);
  });

  test('a pipe named __proto__ keeps its base like any other name', async () => {
    const listing: Listing = { revision: 3, pipes: [entry('__proto__', 3, 'A')] };
    const file = pipesFile([{ name: '__proto__', sql: 'A2' }]);
    const { io, sent } = fakeBucket(listing);
    const planned = await importFiles({ format: 'pipes-json', files: [file] }, admin, io);
    const bases = JSON.parse(JSON.stringify(planned.body.bases));
    expect(bases).toEqual(JSON.parse('{"__proto__": 3}'));
    const answer = await importFiles({ format: 'pipes-json', files: [file], apply: true, bases }, admin, io);
    expect(answer.status).toBe(200);
    expect(sent.map((s) => s.precondition)).toEqual([{ kind: 'revision', revision: 3 }]);
  });
});
