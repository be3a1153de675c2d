// Presence across two console instances (A and B) on one nats-server: tabs post to one instance,
// the other lists them, in GET /api/presence and in its event stream's `presence` events.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';
import { connectSse } from '../support/sse-client';

const ADMIN = 'presence-admin-token';
const VIEWER = 'presence-viewer-token';
const SECRET = 'presence-jwt-secret-of-at-least-32-bytes';
const INTERVAL_MS = 1_000;
const ENV = {
  PIPES_ADMIN_TOKEN: ADMIN,
  PIPES_VIEWER_TOKEN: VIEWER,
  PIPES_JWT_SECRET: SECRET,
  PIPES_PRESENCE_INTERVAL_MS: String(INTERVAL_MS),
};

type Entry = { key: string; user: string; role: string; editing: boolean; since: string };

let nats: TestNats, a: TestConsole, b: TestConsole;

beforeAll(async () => {
  await assertFreshBuild();
  nats = await startTestNats();
  [a, b] = await Promise.all([startConsole(nats.url, { env: ENV }), startConsole(nats.url, { env: ENV })]);
});

afterAll(() =>
  disposeAll(
    () => a?.stop(),
    () => b?.stop(),
    () => nats?.dispose(),
  ),
);

let counter = 0;
const uniqueKey = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${counter++}`;
const jwtFor = (sub: string) =>
  new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

async function post(app: TestConsole, body: unknown, token = ADMIN): Promise<Response> {
  return fetch(`${app.url}/api/presence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function presenceOn(app: TestConsole): Promise<Entry[]> {
  const res = await fetch(`${app.url}/api/presence`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { presence: Entry[] }).presence;
}

const entriesOf = async (app: TestConsole, key: string) => (await presenceOn(app)).filter((e) => e.key === key);

describe('a tab on instance A', () => {
  test("is listed by B's GET /api/presence and in B's presence events", async () => {
    const key = uniqueKey('seen');
    const events = await connectSse(`${b.url}/api/events`, { headers: { authorization: `Bearer ${ADMIN}` } });
    try {
      expect((await post(a, { tab: 'tab-1', key, editing: false })).status).toBe(204);
      const listed = await waitFor(
        async () => {
          const found = await entriesOf(b, key);
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 2_000, what: 'B to list the tab' },
      );
      expect(listed).toEqual([{ key, user: 'admin token', role: 'admin', editing: false, since: expect.any(String) }]);
      const withIt = await events.waitForEvents(
        (all) => all.some((e) => e.event === 'presence' && (e.data as { presence: Entry[] }).presence.some((p) => p.key === key)),
        2_000,
      );
      const last = withIt.filter((e) => e.event === 'presence').at(-1)!.data as { presence: Entry[]; interval_ms: number };
      expect(last.interval_ms).toBe(INTERVAL_MS);
    } finally {
      events.close();
    }
  });

  test('shows editing on B while it holds unsaved edits, and viewing again once it has none', async () => {
    const key = uniqueKey('edit');
    await post(a, { tab: 'tab-e', key, editing: true });
    await waitFor(async () => (await entriesOf(b, key))[0]?.editing === true, { what: 'editing on B' });
    await post(a, { tab: 'tab-e', key, editing: false });
    await waitFor(async () => (await entriesOf(b, key))[0]?.editing === false, { what: 'viewing on B' });
  });

  test('is gone from B at once when it says goodbye (key null), well before it would expire', async () => {
    const key = uniqueKey('bye');
    await post(a, { tab: 'tab-b', key, editing: false });
    await waitFor(async () => (await entriesOf(b, key)).length === 1, { what: 'B to list the tab' });
    const said = Date.now();
    await post(a, { tab: 'tab-b', key: null, editing: false });
    await waitFor(async () => (await entriesOf(b, key)).length === 0, { timeoutMs: INTERVAL_MS, what: 'the goodbye on B' });
    expect(Date.now() - said).toBeLessThan(3 * INTERVAL_MS);
  });

  test('that stops posting expires on both instances within three intervals, and not after one', async () => {
    const key = uniqueKey('silent');
    await post(a, { tab: 'tab-s', key, editing: false });
    await waitFor(async () => (await entriesOf(b, key)).length === 1, { what: 'B to list the tab' });
    const posted = Date.now();
    await waitFor(() => Date.now() - posted >= INTERVAL_MS);
    expect(await entriesOf(b, key)).toHaveLength(1);
    await waitFor(async () => (await entriesOf(a, key)).length === 0 && (await entriesOf(b, key)).length === 0, {
      timeoutMs: 3 * INTERVAL_MS + 1_500,
      what: 'the tab to expire on A and B',
    });
  });
});

describe('one user in many tabs', () => {
  test('three tabs of one user on one pipe, one of them editing, are one entry that says editing', async () => {
    const key = uniqueKey('three');
    await post(a, { tab: 'x1', key, editing: false });
    await post(b, { tab: 'x2', key, editing: true });
    await post(a, { tab: 'x3', key, editing: false });
    const entries = await waitFor(async () => {
      const found = await entriesOf(b, key);
      return found[0]?.editing ? found : undefined;
    });
    expect(entries).toHaveLength(1);
  });

  test('past 20 live tabs of one user, a new one gets 503 saying presence is full, and the 20 stay listed', async () => {
    const token = await jwtFor(uniqueKey('many'));
    const keys = Array.from({ length: 21 }, (_, i) => uniqueKey(`cap${i}`));
    const statuses: number[] = [];
    for (const [i, key] of keys.entries()) statuses.push((await post(a, { tab: `cap-${i}`, key, editing: false }, token)).status);
    expect(statuses).toEqual([...Array(20).fill(204), 503]);
    const mine = (await presenceOn(a)).filter((e) => keys.includes(e.key));
    expect(mine.map((e) => e.key)).toEqual(keys.slice(0, 20).sort());
  });

  test('a post without a tab id counts as one tab per credential', async () => {
    const key1 = uniqueKey('cred');
    const key2 = uniqueKey('cred');
    await post(a, { key: key1, editing: false }, VIEWER);
    await post(a, { key: key2, editing: false }, VIEWER);
    const listed = (await presenceOn(a)).filter((e) => e.key === key1 || e.key === key2);
    expect(listed).toEqual([{ key: key2, user: 'viewer token', role: 'viewer', editing: false, since: expect.any(String) }]);
  });
});

describe('bad input and abuse', () => {
  test.each([
    ['an illegal key', { tab: 't', key: 'a b', editing: false }, 'invalid key'],
    ['no editing flag', { tab: 't', key: 'k' }, 'editing'],
    ['a tab id over 64 characters', { tab: 'x'.repeat(65), key: 'k', editing: false }, 'tab'],
    ['a list instead of an object', [1], 'object'],
  ])('%s is a 400 that says so, and nothing is recorded', async (_what, body, message) => {
    const before = await presenceOn(a);
    const res = await post(a, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
    expect(await presenceOn(a)).toEqual(before);
  });

  test('a tab posting more than 5 times a second gets 429, and keeps its presence', async () => {
    const key = uniqueKey('flood');
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post(a, { tab: 'flood', key, editing: i % 2 === 0 }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 204).length).toBeLessThanOrEqual(5);
    expect(statuses).toContain(429);
    expect(await entriesOf(a, key)).toHaveLength(1);
  });

  test('a goodbye from a tab past its limit still goes through', async () => {
    const key = uniqueKey('flood_bye');
    await Promise.all(Array.from({ length: 8 }, () => post(a, { tab: 'flood-bye', key, editing: false })));
    expect((await post(a, { tab: 'flood-bye', key: null, editing: false })).status).toBe(204);
    expect(await entriesOf(a, key)).toEqual([]);
  });

  test('nobody unsigned sees or posts presence', async () => {
    expect((await fetch(`${a.url}/api/presence`)).status).toBe(401);
    const res = await fetch(`${a.url}/api/presence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"key":null,"editing":false}',
    });
    expect(res.status).toBe(401);
  });
});

describe('an instance that dies', () => {
  test("takes its tabs' presence with it: gone from B within three intervals", async () => {
    const key = uniqueKey('killed');
    await post(a, { tab: 'doomed', key, editing: true });
    await waitFor(async () => (await entriesOf(b, key)).length === 1, { what: 'B to list the tab' });
    process.kill(a.pid, 'SIGKILL');
    await waitFor(async () => (await entriesOf(b, key)).length === 0, {
      timeoutMs: 3 * INTERVAL_MS + 1_500,
      what: "A's tab to expire on B",
    });
    a = await startConsole(nats.url, { env: ENV });
  });
});
