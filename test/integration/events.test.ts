// The live channel (GET /api/events, Server-Sent Events) against the production server
// (server.mjs, whose fast path writes events straight to the socket) and a real nats-server, with
// a separate nats.js client as "another writer". The second instance, and one run of the slow-
// reader test, use plain `next start`, where the route handler streams the same events.
// Streams are read by real SSE clients (test/support/sse-client.ts) through the app's SseParser.
//
// Fixtures: one nats-server with one console (pings every 200 ms) for most tests; the tests that
// need other settings start their own console (tiny ring, small queue) or their own nats-server
// (a bucket deleted and recreated, 10,000 changes) so they disturb nobody else. Every test uses
// keys of its own; "exactly these events" is proven by waiting for a sentinel change after them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { BUCKET, lastRevision, openRawClient, readBucket, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { liveMemory, memoryProbe } from '../support/live-memory';
import { waitFor } from '../support/poll';
import type { Snapshot } from '@/lib/live/protocol';
import type { DeleteMarker, Entry } from '@/lib/pipes/entry';
import { connectSse, connectStuckSse, type SseClient, type SseEvent, type StuckSseClient } from '../support/sse-client';

type Listing = Snapshot;
type Health = { status: string; revision: number; pipes: number; clients: number; archive_queued: number; archive_filling: boolean };

const PING_MS = 200;
// Every console here is started with this admin token and every API request sends it (all
// of /api but /api/health needs `Authorization: Bearer`); /api/health is asked without one.
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
let dataDir: string;

type Server = 'server.mjs' | 'next-start';

/** startConsole with the token, and its generated files (if any) kept out of the repository. */
function startTestConsole(natsUrl: string, env: Record<string, string> = {}, server: Server = 'server.mjs'): Promise<TestConsole> {
  return startConsole(natsUrl, { env: { PIPES_ADMIN_TOKEN: ADMIN_TOKEN, PIPES_DATA_DIR: dataDir, ...env }, server });
}

let nats: TestNats;
let raw: RawClient;
let app: TestConsole;

// Every SSE client a test opens is closed after it, pass or fail, so the next test (and the
// clients-count test) starts from a quiet server.
const openClients = new Set<{ close(): void }>();
afterEach(() => {
  for (const client of openClients) client.close();
  openClients.clear();
});

beforeAll(async () => {
  await assertFreshBuild();
  dataDir = mkdtempSync(path.join(tmpdir(), 'pipes-events-data-'));
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
  app = await startTestConsole(nats.url, { PIPES_SSE_PING_MS: String(PING_MS) });
});

afterAll(async () => {
  await disposeAll(
    () => app?.stop(),
    () => raw?.close(),
    () => nats?.dispose(),
    () => dataDir && rmSync(dataDir, { recursive: true, force: true }),
  );
});

// ---------------------------------------------------------------------------------------------
// Helpers

let keySeq = 0;
/** A key no other test uses. */
const uniqueKey = (prefix: string) => `${prefix}_${(++keySeq).toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

const pipeJson = (key: string, sql = `SELECT '${key}'`, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: key, sql, ...extra });

async function open(target: TestConsole, lastEventId?: number): Promise<SseClient> {
  const client = await connectSse(`${target.url}/api/events`, { headers: AUTH, ...(lastEventId === undefined ? {} : { lastEventId }) });
  openClients.add(client);
  expect(client.status).toBe(200);
  return client;
}

async function listing(target: TestConsole = app): Promise<Listing> {
  const res = await fetch(`${target.url}/api/pipes`, { headers: AUTH });
  expect(res.status).toBe(200);
  return (await res.json()) as Listing;
}

async function health(target: TestConsole = app): Promise<Health> {
  return (await (await fetch(`${target.url}/api/health`)).json()) as Health;
}

/** Waits until `target`'s watched cache has applied `revision` (so a client connecting now is current). */
async function caughtUp(target: TestConsole, revision: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await health(target)).revision >= revision, { timeoutMs, what: `the console to apply revision ${revision}` });
}

const changes = (events: SseEvent[]) => events.filter((e) => e.event === 'put' || e.event === 'delete');
const snapshots = (events: SseEvent[]) => events.filter((e) => e.event === 'snapshot');
const ids = (events: SseEvent[]) => events.map((e) => e.id);
/** Event name, id and key: what a reordering, duplicate or gap would show up in. */
const summary = (events: SseEvent[]) => events.map((e) => `${e.event}#${e.id}:${(e.data as { key?: string }).key ?? ''}`);

/** True once an event with id >= `revision` has arrived. */
const reached = (revision: number) => (events: SseEvent[]) => events.some((e) => e.id !== undefined && e.id >= revision);

/** Ids of the events carrying one are strictly increasing (no duplicates, no reordering). */
function expectStrictlyIncreasing(events: SseEvent[]): void {
  const withIds = events.filter((e) => e.id !== undefined).map((e) => e.id!);
  for (let i = 1; i < withIds.length; i++) {
    if (!(withIds[i]! > withIds[i - 1]!))
      throw new Error(`ids not strictly increasing at ${i}: ${withIds.slice(Math.max(0, i - 3), i + 3).join(', ')}`);
  }
}

/** The state a client holds after applying `events` from the last snapshot on: key → entry. */
function fold(events: SseEvent[]): { revision: number; pipes: Map<string, Entry> } {
  const start = events.findLastIndex((e) => e.event === 'snapshot');
  if (start < 0) throw new Error('no snapshot to fold from');
  const snap = events[start]!.data as Listing;
  const pipes = new Map(snap.pipes.map((e) => [e.key, e]));
  let revision = events[start]!.id!;
  for (const e of events.slice(start + 1)) {
    if (e.event === 'put') pipes.set((e.data as Entry).key, e.data as Entry);
    else if (e.event === 'delete') pipes.delete((e.data as DeleteMarker).key);
    if (e.id !== undefined) revision = e.id;
  }
  return { revision, pipes };
}

/** key → stored value (parsed) of a client's folded state, to compare with the bucket. */
const valuesOf = (pipes: Map<string, Entry>) => Object.fromEntries([...pipes].map(([k, e]) => [k, e.value]));
async function bucketValues(client: RawClient = raw): Promise<Record<string, unknown>> {
  const { values } = await readBucket(client.kv);
  return Object.fromEntries([...values].map(([k, v]) => [k, JSON.parse(v.text)]));
}

/** Puts a sentinel key and returns its revision: events up to it prove nothing else came before. */
async function sentinel(client: RawClient = raw): Promise<number> {
  const key = uniqueKey('sentinel');
  return client.kv.put(key, pipeJson(key));
}

/** Process resident set size in bytes, from /proc/<pid>/status (VmRSS). */
function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------

describe('a fresh connection', () => {
  test('gets the SSE headers, a retry hint first, a snapshot equal to GET /api/pipes, then put and delete events', async () => {
    const a = uniqueKey('fresh_a');
    const b = uniqueKey('fresh_b');
    await raw.kv.put(a, pipeJson(a));
    const seeded = await raw.kv.put(b, pipeJson(b, 'SELECT {{n:1}}', { description: 'seeded' }));
    await caughtUp(app, seeded);

    const client = await open(app);
    expect(client.headers.get('content-type')).toMatch(/^text\/event-stream\b/);
    expect(client.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(client.headers.get('x-accel-buffering')).toBe('no');
    // Served by server.mjs's fast path (lib/server/live/serve-events.ts): a stream that ends with
    // its connection, without chunked framing.
    expect(client.headers.get('connection')).toBe('close');
    expect(client.headers.get('transfer-encoding')).toBeNull();

    await client.waitForEvents((events) => snapshots(events).length > 0);
    // A reconnect a second after a drop.
    expect(client.firstLine).toBe('retry: 1000');
    expect(client.retry).toBe(1_000);
    const first = client.events.findIndex((e) => e.event === 'snapshot');
    // Before the snapshot: the link's `status` and who is where (`presence`), which carry no id.
    expect(client.events.slice(0, first).map((e) => [e.event, e.id])).toEqual([
      ['status', undefined],
      ['presence', undefined],
    ]);
    const snapshot = client.events[first]!;
    const current = await listing();
    expect(snapshot.id).toBe(current.revision);
    expect(snapshot.id).toBe(await lastRevision(raw.kv));
    expect(snapshot.data).toEqual(current);
    expect((snapshot.data as Listing).pipes.map((p) => p.key)).toEqual(expect.arrayContaining([a, b]));

    const c = uniqueKey('fresh_c');
    const putRevision = await raw.kv.put(c, pipeJson(c, 'SELECT 2', { resolved_tables: ['t'] }));
    await raw.kv.delete(a);
    const deleteRevision = await lastRevision(raw.kv);
    const after = await client.waitForEvents(reached(deleteRevision));

    expect(summary(after.slice(first + 1))).toEqual([`put#${putRevision}:${c}`, `delete#${deleteRevision}:${a}`]);
    const put = after[first + 1]!.data as Entry;
    expect(put).toMatchObject({
      key: c,
      revision: putRevision,
      operation: 'PUT',
      value: { name: c, sql: 'SELECT 2', resolved_tables: ['t'] },
    });
    expect(new Date(put.updated).toISOString()).toBe(put.updated);
    const del = after[first + 2]!.data as DeleteMarker;
    expect(del).toMatchObject({ key: a, revision: deleteRevision, operation: 'DEL' });
    expect(new Date(del.updated).toISOString()).toBe(del.updated);
  });
});

describe('changes by another writer', () => {
  test('50 external puts arrive in order: ids equal to their revisions, strictly increasing, no duplicates, no gaps', async () => {
    const client = await open(app);
    const [snapshot] = await client.waitForEvents((events) => snapshots(events).length > 0).then(snapshots);
    // 25 keys written twice each: overwrites, yet no revision is pushed out of the bucket's
    // history (3) before the console reads it — a superseded revision is gone from the stream and
    // could not be delivered by anyone.
    const keys = Array.from({ length: 25 }, () => uniqueKey('burst'));
    const written: { revision: number; key: string; sql: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const key = keys[i % keys.length]!;
      const sql = `SELECT ${i}`;
      written.push({ revision: await raw.kv.put(key, pipeJson(key, sql)), key, sql });
    }
    // One writer, one after another: the bucket's revisions are consecutive after the snapshot.
    expect(written.map((w) => w.revision)).toEqual(Array.from({ length: 50 }, (_, i) => snapshot!.id! + 1 + i));
    const end = await sentinel();

    const events = changes(await client.waitForEvents(reached(end)));
    expect(ids(events)).toEqual([...written.map((w) => w.revision), end]);
    expectStrictlyIncreasing(client.events);
    for (const [i, w] of written.entries()) {
      expect(events[i]).toMatchObject({ event: 'put', id: w.revision, data: { key: w.key, revision: w.revision, value: { sql: w.sql } } });
    }
    expect(snapshots(client.events)).toHaveLength(1);
  });

  test('a delete and a purge by another writer arrive as delete events with operation DEL and PURGE', async () => {
    const client = await open(app);
    await client.waitForEvents((events) => snapshots(events).length > 0);
    const deleted = uniqueKey('to_delete');
    const purged = uniqueKey('to_purge');
    await raw.kv.put(deleted, pipeJson(deleted));
    await raw.kv.put(purged, pipeJson(purged));
    const lastPut = await raw.kv.put(purged, pipeJson(purged, 'SELECT 2'));
    // A purge removes the key's earlier revisions from the stream: let the puts be seen first.
    await client.waitForEvents(reached(lastPut));
    await raw.kv.delete(deleted);
    const deleteRevision = await lastRevision(raw.kv);
    await raw.kv.purge(purged);
    const purgeRevision = await lastRevision(raw.kv);
    const end = await sentinel();

    const events = changes(await client.waitForEvents(reached(end)));
    const deletes = events.filter((e) => e.event === 'delete');
    expect(deletes).toHaveLength(2);
    expect(deletes[0]).toMatchObject({ id: deleteRevision, data: { key: deleted, revision: deleteRevision, operation: 'DEL' } });
    expect(deletes[1]).toMatchObject({ id: purgeRevision, data: { key: purged, revision: purgeRevision, operation: 'PURGE' } });
    for (const d of deletes) expect(Object.keys(d.data as object).sort()).toEqual(['key', 'operation', 'revision', 'updated']);
    expect(fold(client.events).pipes.has(deleted)).toBe(false);
    expect(fold(client.events).pipes.has(purged)).toBe(false);
  });
});

describe('resume with Last-Event-ID', () => {
  test('a reconnect with Last-Event-ID N gets exactly the changes after N and no snapshot', async () => {
    const k1 = uniqueKey('resume_1');
    const k2 = uniqueKey('resume_2');
    const k3 = uniqueKey('resume_3');
    const first = await open(app);
    await first.waitForEvents((events) => snapshots(events).length > 0);
    const r1 = await raw.kv.put(k1, pipeJson(k1));
    const r2 = await raw.kv.put(k2, pipeJson(k2));
    const r3 = await raw.kv.put(k3, pipeJson(k3));
    await first.waitForEvents(reached(r3));
    expect(ids(changes(first.events))).toEqual([r1, r2, r3]);
    first.close();

    // Resume from the middle of what the first connection saw: the third put is "after N" too.
    const n = r2;
    const r4 = await raw.kv.put(k1, pipeJson(k1, 'SELECT 4'));
    await raw.kv.delete(k2);
    const r5 = await lastRevision(raw.kv);
    const r6 = await raw.kv.put(k3, pipeJson(k3, 'SELECT 6'));
    await caughtUp(app, r6);

    const resumed = await open(app, n);
    const end = await sentinel();
    await resumed.waitForEvents(reached(end));
    expect(snapshots(resumed.events)).toEqual([]);
    const got = changes(resumed.events);
    expect(summary(got.slice(0, -1))).toEqual([`put#${r3}:${k3}`, `put#${r4}:${k1}`, `delete#${r5}:${k2}`, `put#${r6}:${k3}`]);
    expect(got.at(-1)!.id).toBe(end);
    expect(got[3]).toMatchObject({ data: { value: { sql: 'SELECT 6' } } });
    expectStrictlyIncreasing(resumed.events);
  });

  test('a Last-Event-ID older than the ring gets a snapshot of the current state (PIPES_RING_EVENTS=5)', async () => {
    const small = await startTestConsole(nats.url, { PIPES_RING_EVENTS: '5' });
    try {
      const client = await open(small);
      const [snapshot] = await client.waitForEvents((events) => snapshots(events).length > 0).then(snapshots);
      const oldId = snapshot!.id!;
      client.close();

      const keys = Array.from({ length: 4 }, () => uniqueKey('ring'));
      for (let i = 0; i < 20; i++) {
        const key = keys[i % keys.length]!;
        if (i % 7 === 6) await raw.kv.delete(key);
        else await raw.kv.put(key, pipeJson(key, `SELECT ${i}`));
      }
      const last = await lastRevision(raw.kv);
      await caughtUp(small, last);

      const stale = await open(small, oldId);
      const [fresh] = await stale.waitForEvents((events) => snapshots(events).length > 0).then(snapshots);
      expect(fresh!.id).toBe(last);
      expect(fresh!.data).toEqual(await listing(small));
      expect(valuesOf(fold(stale.events).pipes)).toEqual(await bucketValues());
      expect(changes(stale.events.slice(0, stale.events.indexOf(fresh!)))).toEqual([]);

      // Control: an id the 5-event ring still covers is resumed, not snapshotted.
      const recent = await open(small, last - 3);
      const end = await sentinel();
      await recent.waitForEvents(reached(end));
      expect(snapshots(recent.events)).toEqual([]);
      expect(ids(changes(recent.events))).toEqual([last - 2, last - 1, last, end]);
    } finally {
      for (const c of openClients) c.close();
      await small.stop();
    }
  });
});

describe('a second console instance on the same NATS, under plain `next start` (the route handler)', () => {
  let second: TestConsole;
  beforeAll(async () => {
    second = await startTestConsole(nats.url, { PIPES_SSE_PING_MS: String(PING_MS) }, 'next-start');
  });
  afterAll(async () => {
    await second?.stop();
  });

  test('serves the same ids and the same events for the same changes', async () => {
    await caughtUp(second, await lastRevision(raw.kv));
    const one = await open(app);
    const two = await open(second);
    for (const header of ['content-type', 'cache-control', 'x-accel-buffering', 'x-content-type-options']) {
      expect(two.headers.get(header), header).toBe(one.headers.get(header));
    }
    expect(two.headers.get('transfer-encoding')).toBe('chunked'); // the route handler, not the fast path
    const [s1] = await one.waitForEvents((events) => snapshots(events).length > 0).then(snapshots);
    const [s2] = await two.waitForEvents((events) => snapshots(events).length > 0).then(snapshots);
    expect(s2!.id).toBe(s1!.id);
    expect(s2!.data).toEqual(s1!.data);

    const keys = Array.from({ length: 5 }, () => uniqueKey('twin'));
    let lastPut = 0;
    for (let i = 0; i < 10; i++) lastPut = await raw.kv.put(keys[i % 5]!, pipeJson(keys[i % 5]!, `SELECT ${i}`));
    // A purge removes the key's earlier revisions from the stream: let the puts be seen first.
    await Promise.all([one.waitForEvents(reached(lastPut)), two.waitForEvents(reached(lastPut))]);
    await raw.kv.delete(keys[0]!);
    await raw.kv.purge(keys[1]!);
    const end = await sentinel();
    await Promise.all([one.waitForEvents(reached(end)), two.waitForEvents(reached(end))]);

    expect(changes(two.events)).toHaveLength(13);
    expect(changes(two.events)).toEqual(changes(one.events));
  });

  test('a client of the first instance resumes on the second: exactly the missing changes, no snapshot', async () => {
    const k = uniqueKey('failover');
    const onFirst = await open(app);
    await onFirst.waitForEvents((events) => snapshots(events).length > 0);
    const r1 = await raw.kv.put(k, pipeJson(k, 'SELECT 1'));
    await onFirst.waitForEvents(reached(r1));
    const n = onFirst.lastEventId!;
    expect(n).toBe(r1);
    onFirst.close();

    const r2 = await raw.kv.put(k, pipeJson(k, 'SELECT 2'));
    await raw.kv.delete(k);
    const r3 = await lastRevision(raw.kv);
    await caughtUp(second, r3);

    const onSecond = await open(second, n);
    const end = await sentinel();
    await onSecond.waitForEvents(reached(end));
    expect(snapshots(onSecond.events)).toEqual([]);
    expect(ids(changes(onSecond.events))).toEqual([r2, r3, end]);
    expect(changes(onSecond.events)[0]).toMatchObject({ event: 'put', data: { key: k, value: { sql: 'SELECT 2' } } });
    expect(changes(onSecond.events)[1]).toMatchObject({ event: 'delete', data: { key: k, operation: 'DEL' } });
  });

  test('its streams get pings and are unsubscribed when closed', async () => {
    const clients = await Promise.all(Array.from({ length: 3 }, () => open(second)));
    await Promise.all(clients.map((c) => c.waitForComments(1, PING_MS * 10)));
    expect((await health(second)).clients).toBe(3);
    for (const c of clients) c.close();
    await waitFor(async () => (await health(second)).clients === 0, { timeoutMs: 10_000, what: '/api/health to report clients: 0' });
  });
});

describe('connection bookkeeping', () => {
  test('closed streams are unsubscribed: /api/health clients goes from >= 5 back to 0', async () => {
    await waitFor(async () => (await health()).clients === 0, { what: 'no clients before the test' });
    const clients = await Promise.all(Array.from({ length: 5 }, () => open(app)));
    await Promise.all(clients.map((c) => c.waitForEvents((events) => snapshots(events).length > 0)));
    expect((await health()).clients).toBeGreaterThanOrEqual(5);

    for (const c of clients) c.close();
    await waitFor(async () => (await health()).clients === 0, { timeoutMs: 10_000, what: '/api/health to report clients: 0' });
  });

  test(`an idle stream gets ": ping" comments (PIPES_SSE_PING_MS=${PING_MS})`, async () => {
    const client = await open(app);
    await client.waitForEvents((events) => snapshots(events).length > 0);
    const eventsBefore = client.events.length;
    const comments = await client.waitForComments(2, PING_MS * 10);
    expect(comments.slice(0, 2)).toEqual(['ping', 'ping']);
    expect(client.events.length).toBe(eventsBefore);
  });
});

describe('a bucket deleted and recreated by another client', () => {
  let ownNats: TestNats;
  let writer: RawClient;
  let target: TestConsole;
  beforeAll(async () => {
    ownNats = await startTestNats();
    writer = await openRawClient(ownNats.url);
    target = await startTestConsole(ownNats.url);
  });
  afterAll(async () => {
    await disposeAll(
      () => target?.stop(),
      () => writer?.close(),
      () => ownNats?.dispose(),
    );
  });

  test('a connected client gets a snapshot of the new contents, and an old Last-Event-ID gets a snapshot too', async () => {
    for (let i = 0; i < 30; i++) await writer.kv.put(`old_${i % 6}`, pipeJson(`old_${i % 6}`, `SELECT ${i}`));
    const oldLast = await lastRevision(writer.kv);
    await caughtUp(target, oldLast);
    const connected = await open(target);
    await connected.waitForEvents(reached(oldLast));
    const oldId = connected.lastEventId!;
    expect(oldId).toBe(oldLast);
    const before = connected.events.length;

    // Destroyed and created again at once, as a script resetting the bucket would. (The console
    // must not race this writer to create it: on nats-server 2.9 a stream created while the
    // deleted one's files are still being removed loses its data for good.)
    await writer.kv.destroy();
    const recreated = await new Kvm(writer.nc).create(BUCKET, { history: 3 });
    const fresh = { new_a: pipeJson('new_a', 'SELECT 1'), new_b: pipeJson('new_b', 'SELECT 2'), new_c: pipeJson('new_c', 'SELECT 3') };
    for (const [k, v] of Object.entries(fresh)) await recreated.put(k, v);
    const newLast = (await recreated.status()).streamInfo.state.last_seq;
    expect(newLast).toBeLessThan(oldId);
    const expected = Object.fromEntries(Object.entries(fresh).map(([k, v]) => [k, JSON.parse(v)]));

    // The connected client: a snapshot after the recreate, and its state becomes the new contents.
    await connected.waitForEvents((events) => {
      const state = fold(events);
      return snapshots(events.slice(before)).length > 0 && state.revision === newLast && state.pipes.size === 3;
    }, 20_000);
    expect(valuesOf(fold(connected.events).pipes)).toEqual(expected);
    const since = connected.events.slice(before);
    expectStrictlyIncreasing(since.slice(since.findIndex((e) => e.event === 'snapshot')));

    // A client coming back with an id of the old bucket.
    await waitFor(
      async () => {
        const h = await health(target);
        return h.revision === newLast && h.pipes === 3;
      },
      { what: 'the console to load the recreated bucket' },
    );
    const returning = await open(target, oldId);
    const [snap] = await returning.waitForEvents((events) => snapshots(events).length > 0).then(snapshots);
    expect(changes(returning.events)).toEqual([]);
    expect(snap!.id).toBe(newLast);
    expect(valuesOf(new Map((snap!.data as Listing).pipes.map((e) => [e.key, e])))).toEqual(expected);
  });
});

describe.each<Server>(['server.mjs', 'next-start'])('a client that never reads (%s)', (server) => {
  const CHANGES = 10_000;
  const QUEUE_BYTES = 65_536;
  // Live memory (JS heap + external buffers after a full GC) may grow this much at most. Calibrated
  // by hand with PIPES_SSE_QUEUE_BYTES=268435456 (a queue that never fills, i.e. a leak): the same
  // run then grows live memory by ~9–11 MB (13 MB of frames, minus what the kernel's socket
  // buffers hold); with the bounded queue it grows by ~0.3–1.3 MB.
  const LIVE_GROWTH_BOUND = 4 * MB;
  let ownNats: TestNats;
  let writer: RawClient;
  let target: TestConsole;
  let memoryFile: string;
  beforeAll(async () => {
    ownNats = await startTestNats();
    // History 64 over 200 keys: the bucket keeps every one of these revisions while the console
    // reads them. With history 3 over few keys, a console running a few hundred revisions behind
    // finds superseded revisions already gone from the stream; its watch skips them (the state
    // stays right, but the ids have gaps) and "received every change" could not be asserted.
    const nc = await connect({ servers: ownNats.url, name: 'test-writer', maxReconnectAttempts: -1 });
    writer = { nc, kv: await new Kvm(nc).create(BUCKET, { history: 64 }), close: () => nc.close() };
    const probe = memoryProbe();
    memoryFile = probe.file;
    target = await startTestConsole(
      ownNats.url,
      {
        PIPES_SSE_QUEUE_BYTES: String(QUEUE_BYTES),
        // A small ring, so the ring's own memory (10,000 frames by default) does not count here.
        PIPES_RING_EVENTS: '100',
        ...probe.env,
      },
      server,
    );
  });
  afterAll(async () => {
    await disposeAll(
      () => target?.stop(),
      () => writer?.close(),
      () => ownNats?.dispose(),
      () => memoryFile && rmSync(path.dirname(memoryFile), { recursive: true, force: true }),
    );
  });

  const liveMemoryNow = () => liveMemory(target.pid, memoryFile);

  test(`a stuck client does not grow the server's memory over ${CHANGES} changes of ~1 KB; a reading client gets every change; once it reads it gets one snapshot and is current`, async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `bulk_${i}`);
    const padding = 'x'.repeat(1_000);
    const value = (key: string, i: number) => pipeJson(key, `SELECT ${i} /* ${padding} */`);
    // 20 writes in flight at a time: fast, yet never a burst that a reading client on this busy
    // test process could not drain before its 64 KiB queue fills.
    const putMany = async (from: number, count: number) => {
      let last = 0;
      for (let i = from; i < from + count; i += 20) {
        const batch = Array.from({ length: Math.min(20, from + count - i) }, (_, j) => {
          const key = keys[(i + j) % keys.length]!;
          return writer.kv.put(key, value(key, i + j));
        });
        last = Math.max(last, ...(await Promise.all(batch)));
      }
      return last;
    };
    // Warm-up: the keys exist and the server's code paths are compiled before measuring.
    const warm = await putMany(0, 500);
    await caughtUp(target, warm);

    const reader = await open(target);
    const stuck: StuckSseClient = await connectStuckSse(`${target.url}/api/events`, { headers: AUTH });
    openClients.add(stuck);
    await reader.waitForEvents(reached(warm));
    await waitFor(async () => (await health(target)).clients === 2, { what: 'both streams to be subscribed' });
    const before = await liveMemoryNow();
    const rssBefore = rssBytes(target.pid);

    const started = Date.now();
    const last = await putMany(500, CHANGES);
    await reader.waitForEvents(reached(last), 60_000);
    const elapsed = Date.now() - started;
    // The archive writes its records in the background: what it still holds is not the stuck client's.
    await waitFor(
      async () => {
        const h = await health(target);
        return h.archive_queued === 0 && !h.archive_filling;
      },
      { timeoutMs: 30_000, what: 'the archive to catch up' },
    );
    const rssAfter = rssBytes(target.pid);
    const after = await liveMemoryNow();
    const liveGrowth = after.heapUsed + after.external - (before.heapUsed + before.external);
    console.log(
      `[stuck client] ${CHANGES} changes in ${elapsed} ms; console live memory (heap+external after GC) ` +
        `${((before.heapUsed + before.external) / MB).toFixed(1)} -> ${((after.heapUsed + after.external) / MB).toFixed(1)} MB ` +
        `(growth ${(liveGrowth / MB).toFixed(1)} MB, bound ${LIVE_GROWTH_BOUND / MB} MB); ` +
        `VmRSS ${(rssBefore / MB).toFixed(1)} -> ${(rssAfter / MB).toFixed(1)} MB (growth ${((rssAfter - rssBefore) / MB).toFixed(1)} MB)`,
    );

    // The reading client got every change, in order, exactly once, and no snapshot.
    expect(snapshots(reader.events)).toHaveLength(1);
    expect(ids(changes(reader.events).filter((e) => e.id! > warm))).toEqual(Array.from({ length: CHANGES }, (_, i) => warm + 1 + i));
    expect(last).toBe(warm + CHANGES);
    expect(stuck.bytesRead).toBe(0);
    expect(liveGrowth).toBeLessThan(LIVE_GROWTH_BOUND);

    // Let it read: what did not fit its queue is coalesced into one snapshot, then it is live again.
    stuck.release();
    await stuck.waitForEvents((events) => snapshots(events).some((s) => s.id === last), 20_000);
    expect(stuck.statusLine).toMatch(/^HTTP\/1\.1 200/);
    const catchUp = snapshots(stuck.events).at(-1)!;
    expect(snapshots(stuck.events)).toHaveLength(2); // the first one, and the one that replaced the backlog
    expect(changes(stuck.events).length).toBeLessThan(CHANGES); // it did fall behind: some changes were skipped
    expect(catchUp.data).toEqual(await listing(target));
    const next = await writer.kv.put(keys[0]!, value(keys[0]!, -1));
    await stuck.waitForEvents(reached(next));
    expect(stuck.events.at(-1)).toMatchObject({ event: 'put', id: next });
    expectStrictlyIncreasing(stuck.events);
    expect(valuesOf(fold(stuck.events).pipes)).toEqual(await bucketValues(writer));
  });
});
