// The change archive against a real nats-server: two console instances on one bucket (A and B),
// a raw nats.js client as the external writer, and the archive stream read directly.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ArchivedChange, Entry } from '@/lib/pipes/entry';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { BUCKET, openRawClient, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';
import { connectSse } from '../support/sse-client';

const TOKEN = 'archive-admin-token';
const STREAM = 'PIPES_AUDIT';
const ENV = { PIPES_ADMIN_TOKEN: TOKEN };

let nats: TestNats, raw: RawClient, a: TestConsole, b: TestConsole;

beforeAll(async () => {
  await assertFreshBuild();
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
  [a, b] = await Promise.all([startConsole(nats.url, { env: ENV }), startConsole(nats.url, { env: ENV })]);
});

afterAll(() =>
  disposeAll(
    () => a?.stop(),
    () => b?.stop(),
    () => raw?.close(),
    () => nats?.dispose(),
  ),
);

let counter = 0;
const uniqueKey = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${counter++}`;
const pipePath = (key: string) => `/api/pipes/${encodeURIComponent(key)}`;
const pipe = (key: string, sql: string) => JSON.stringify({ name: key, sql });

function api(app: TestConsole, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${TOKEN}`);
  return fetch(`${app.url}${path}`, { ...init, headers });
}

async function put(app: TestConsole, key: string, sql: string, headers: Record<string, string> = { 'if-match': '*' }): Promise<Response> {
  return api(app, pipePath(key), { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: pipe(key, sql) });
}

async function putOk(app: TestConsole, key: string, sql: string, headers?: Record<string, string>): Promise<Entry> {
  const res = await put(app, key, sql, headers);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Entry;
}

type HistoryPage = { history: ArchivedChange[]; next: string | null };

async function history(app: TestConsole, key: string, query = ''): Promise<HistoryPage> {
  const res = await api(app, `${pipePath(key)}/history${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as HistoryPage;
}

/** Polls `app`'s history of `key` until `ready` accepts it. */
function historyWhen(app: TestConsole, key: string, ready: (h: ArchivedChange[]) => boolean, query = ''): Promise<ArchivedChange[]> {
  return waitFor(
    async () => {
      const { history: h } = await history(app, key, query);
      return ready(h) ? h : undefined;
    },
    { what: `the history of ${key} on ${app.url}` },
  );
}

/** Every record the archive stream holds for `key`, read from the stream itself. */
async function archivedRecords(key?: string): Promise<{ revision: number; key: string; by?: { user: string }; note?: string }[]> {
  const jsm = await jetstreamManager(raw.nc);
  const { state } = await jsm.streams.info(STREAM);
  const records = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (!m) continue;
    const r = m.json<{ revision: number; key: string; by?: { user: string }; note?: string }>();
    if (key === undefined || r.key === key) records.push(r);
  }
  return records;
}

describe('a write with a note on instance A', () => {
  test("is shown with its actor and note by B's history, B's changes and B's live events", async () => {
    const key = uniqueKey('noted');
    const events = await connectSse(`${b.url}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    try {
      const entry = await putOk(a, key, 'SELECT 1', { 'if-none-match': '*', 'x-change-note': encodeURIComponent('first cut — für alle') });
      const live = await events.waitForEvents((all) => all.some((e) => e.event === 'put' && e.id === entry.revision));
      expect(live.find((e) => e.id === entry.revision)!.data).toMatchObject({ key, actor: 'admin token', note: 'first cut — für alle' });
      const [top] = await historyWhen(b, key, (h) => h.length === 1);
      expect(top).toMatchObject({ revision: entry.revision, actor: 'admin token', note: 'first cut — für alle', source: 'bucket' });
      const changes = await waitFor(async () => {
        const body = (await (await api(b, `/api/changes?key=${key}`)).json()) as { changes: ArchivedChange[] };
        return body.changes.length > 0 ? body.changes : undefined;
      });
      expect(changes[0]).toMatchObject({ key, revision: entry.revision, actor: 'admin token', note: 'first cut — für alle' });
    } finally {
      events.close();
    }
  });
});

describe('history deeper than the bucket', () => {
  test('10 writes to a key of a bucket keeping 3 revisions: history lists all 10, newest first', async () => {
    const key = uniqueKey('deep');
    const revisions: number[] = [];
    for (let i = 0; i < 10; i++) revisions.push((await putOk(a, key, `SELECT ${i}`)).revision);
    const h = await historyWhen(a, key, (all) => all.length === 10);
    expect(h.map((c) => c.revision)).toEqual([...revisions].reverse());
    expect(h.map((c) => c.source)).toEqual([...Array(3).fill('bucket'), ...Array(7).fill('archive')]);
    expect((h.at(-1) as Entry).value).toEqual({ name: key, sql: 'SELECT 0' });
  });

  test('pages with ?limit and ?before across the bucket/archive seam: every revision once, in order', async () => {
    const key = uniqueKey('paged');
    const revisions: number[] = [];
    for (let i = 0; i < 10; i++) revisions.push((await putOk(b, key, `SELECT ${i}`)).revision);
    await historyWhen(b, key, (all) => all.length === 10);
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: HistoryPage = await history(b, key, `?limit=4${cursor ? `&before=${cursor}` : ''}`);
      expect(page.history.length).toBeLessThanOrEqual(4);
      seen.push(...page.history.map((c) => c.revision));
      cursor = page.next;
    }
    expect(seen).toEqual([...revisions].reverse());
  });
});

describe('exactly once, and external writers', () => {
  test('with two instances the archive holds each revision of a key exactly once', async () => {
    const key = uniqueKey('once');
    const revisions: number[] = [];
    for (let i = 0; i < 6; i++) revisions.push((await putOk(i % 2 ? a : b, key, `SELECT ${i}`)).revision);
    for (let i = 0; i < 4; i++) revisions.push(await raw.kv.put(key, pipe(key, `SELECT ext ${i}`)));
    const records = await waitFor(async () => {
      const r = await archivedRecords(key);
      return r.length >= revisions.length ? r : undefined;
    });
    expect(records.map((r) => r.revision).sort((x, y) => x - y)).toEqual(revisions);
  });

  test('a console\'s own record replaces an "external" guess another instance stored first for the same revision', async () => {
    const key = uniqueKey('guessed');
    const first = await putOk(a, key, 'SELECT 1', { 'if-none-match': '*' });
    await historyWhen(a, key, (h) => h.length === 1);
    // Store the guess for the revision the next write will get, as an instance that missed the
    // announcement would: before the writer's own record.
    const { created, state } = await (await jetstreamManager(raw.nc)).streams.info(`KV_${BUCKET}`);
    const next = state.last_seq + 1;
    const guess = {
      bucket: BUCKET,
      epoch: created,
      key,
      revision: next,
      operation: 'PUT',
      updated: new Date().toISOString(),
      value: { name: key, sql: 'SELECT 2' },
    };
    const token = (text: string) => Buffer.from(text).toString('base64url');
    const subject = `${STREAM}.${BUCKET}.${token(created)}.${token(key)}.${next}`;
    await jetstream(raw.nc).publish(subject, JSON.stringify(guess), { expect: { lastSubjectSequence: 0 } });
    const written = await putOk(a, key, 'SELECT 2', { 'if-match': `"${first.revision}"`, 'x-change-note': 'mine' });
    expect(written.revision).toBe(next);
    const records = await waitFor(async () => {
      const r = await archivedRecords(key);
      return r.some((x) => x.revision === next && x.by) ? r : undefined;
    });
    expect(records.filter((r) => r.revision === next)).toMatchObject([{ by: { user: 'admin token' }, note: 'mine' }]);
  });

  test('an external write is archived with actor "external", a console write with its principal', async () => {
    const key = uniqueKey('ext');
    const external = await raw.kv.put(key, pipe(key, 'SELECT 1'));
    const mine = (await putOk(a, key, 'SELECT 2', { 'if-match': `"${external}"` })).revision;
    const h = await historyWhen(b, key, (all) => all.length === 2);
    expect(h.map((c) => [c.revision, c.actor])).toEqual([
      [mine, 'admin token'],
      [external, 'external'],
    ]);
  });
});

describe('deleted pipes', () => {
  test('a delete with a note is listed with who, why and the last value; Restore writes the value back as a new revision', async () => {
    const key = uniqueKey('gone');
    const last = await putOk(a, key, 'SELECT 42', { 'if-none-match': '*' });
    const del = await api(a, pipePath(key), {
      method: 'DELETE',
      headers: { 'if-match': `"${last.revision}"`, 'x-change-note': 'obsolete' },
    });
    expect(del.status).toBe(204);
    type Deleted = { key: string; actor: string; note?: string; operation: string; last: Entry };
    const listed = await waitFor(async () => {
      const body = (await (await api(b, '/api/deleted')).json()) as { deleted: Deleted[] };
      return body.deleted.find((d) => d.key === key && d.note === 'obsolete');
    });
    expect(listed).toMatchObject({
      actor: 'admin token',
      operation: 'DEL',
      last: { revision: last.revision, value: { sql: 'SELECT 42' } },
    });

    const restore = await put(b, key, 'SELECT 42', { 'if-none-match': '*', 'x-change-note': `restore of r${last.revision}` });
    expect(restore.status).toBe(200);
    expect((await raw.kv.get(key))?.json()).toEqual({ name: key, sql: 'SELECT 42' });
    const after = (await (await api(a, '/api/deleted')).json()) as { deleted: Deleted[] };
    expect(after.deleted.map((d) => d.key)).not.toContain(key);
  });

  test('a restore after someone recreated the pipe is a 412 that says it exists, and writes nothing', async () => {
    const key = uniqueKey('raced');
    const first = await putOk(a, key, 'SELECT 1', { 'if-none-match': '*' });
    await api(a, pipePath(key), { method: 'DELETE', headers: { 'if-match': `"${first.revision}"` } });
    const again = await raw.kv.put(key, pipe(key, 'SELECT theirs'));
    const res = await put(b, key, 'SELECT 1', { 'if-none-match': '*', 'x-change-note': `restore of r${first.revision}` });
    expect(res.status).toBe(412);
    expect(((await res.json()) as { current: Entry }).current.revision).toBe(again);
    expect((await raw.kv.get(key))?.revision).toBe(again);
  });
});

describe('change notes and cursors that are not valid', () => {
  test.each([
    ['a note over 500 characters', { 'x-change-note': 'x'.repeat(501) }, 'at most 500'],
    ['a note that is not percent-encoded UTF-8', { 'x-change-note': '%E0%A4%A' }, 'percent-encoded'],
  ])('%s is a 400 that says so, and nothing is written', async (_what, headers, message) => {
    const key = uniqueKey('badnote');
    const res = await put(a, key, 'SELECT 1', { 'if-none-match': '*', ...headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
    expect(await raw.kv.get(key)).toBeNull();
  });

  test.each([
    ['/api/changes?limit=0', 'limit'],
    ['/api/changes?limit=1001', 'limit'],
    ['/api/changes?before=abc', 'before'],
    ['/api/changes?op=MOVE', 'op'],
    ['/api/pipes/x/history?before=-1', 'before'],
    ['/api/pipes/x/history?limit=1.5', 'limit'],
  ])('%s is a 400 naming %s', async (path, name) => {
    const res = await api(a, path);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(name);
  });

  test('history of a key neither the bucket nor the archive knows is 404', async () => {
    expect((await api(a, `${pipePath(uniqueKey('never'))}/history`)).status).toBe(404);
  });
});

describe('the archive stream deleted while running', () => {
  test('the live path goes on, history answers 503 naming the archive, health says degraded, then the stream is back', async () => {
    const key = uniqueKey('outage');
    await putOk(a, key, 'SELECT 1');
    await historyWhen(a, key, (h) => h.length === 1);
    const jsm = await jetstreamManager(raw.nc);
    await jsm.streams.delete(STREAM);

    const events = await connectSse(`${a.url}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    try {
      const revision = (await putOk(a, key, 'SELECT 2')).revision;
      await events.waitForEvents((all) => all.some((e) => e.id === revision));
    } finally {
      events.close();
    }
    const failed = await waitFor(async () => {
      const res = await api(a, `${pipePath(key)}/history`);
      return res.status === 503 ? ((await res.json()) as { error: string }) : undefined;
    });
    expect(failed.error).toContain(`change archive (stream ${STREAM})`);
    const health = (await (await fetch(`${a.url}/api/health`)).json()) as { status: string; archive: string };
    expect(health).toMatchObject({ status: 'ok', archive: 'degraded' });

    await waitFor(async () => (await jsm.streams.info(STREAM).catch(() => null)) !== null, {
      timeoutMs: 15_000,
      what: 'the stream created again',
    });
    const h = await historyWhen(a, key, (all) => all.length >= 2);
    expect(h[0]).toMatchObject({ actor: expect.any(String), operation: 'PUT' });
  });
});

describe('restarts', () => {
  test('actor and note survive restarting both instances: history and the list row still show them', async () => {
    const key = uniqueKey('durable');
    const entry = await putOk(a, key, 'SELECT 1', { 'if-none-match': '*', 'x-change-note': 'kept' });
    await historyWhen(b, key, (h) => h[0]?.note === 'kept');
    await Promise.all([a.stop(), b.stop()]);
    [a, b] = await Promise.all([startConsole(nats.url, { env: ENV }), startConsole(nats.url, { env: ENV })]);
    const [top] = await historyWhen(b, key, (h) => h.length === 1);
    expect(top).toMatchObject({ revision: entry.revision, actor: 'admin token', note: 'kept' });
    const row = await waitFor(async () => {
      const got = (await (await api(a, pipePath(key))).json()) as Entry;
      return got.actor ? got : undefined;
    });
    expect(row).toMatchObject({ actor: 'admin token', note: 'kept' });
  });

  test('a console started after an external writer wrote while none ran archives what the bucket still held', async () => {
    await Promise.all([a.stop(), b.stop()]);
    const key = uniqueKey('offline');
    const written: number[] = [];
    for (let i = 0; i < 5; i++) written.push(await raw.kv.put(key, pipe(key, `SELECT ${i}`)));
    a = await startConsole(nats.url, { env: ENV });
    b = await startConsole(nats.url, { env: ENV });
    const records = await waitFor(async () => {
      const r = await archivedRecords(key);
      return r.length >= 3 ? r : undefined;
    });
    // The bucket keeps 3 revisions per key: those are what could be filled in, as "external".
    expect(records.map((r) => r.revision).sort((x, y) => x - y)).toEqual(written.slice(-3));
    expect(records.every((r) => r.by === undefined)).toBe(true);
  });
});
