// NATS unreachable (the API answers 503 within 5 s, never hangs) against the production server. Its own
// file: it freezes, stops and restarts the nats-server the console is using.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestConsole } from '../support/console';
import { nextReconnect, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';
import { disposeTestStack, startTestStack } from '../support/stack';

const ADMIN_TOKEN = 'outage-admin-token';

let nats: TestNats, raw: RawClient, app: TestConsole;

beforeAll(async () => {
  ({ nats, raw, app } = await startTestStack({ PIPES_ADMIN_TOKEN: ADMIN_TOKEN }));
});

afterAll(() => disposeTestStack({ nats, raw, app }));

type Entry = { key: string; revision: number; value: unknown };

async function timed(urlPath: string, init: RequestInit = {}): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  const res = await fetch(`${app.url}${urlPath}`, { ...init, headers, signal: AbortSignal.timeout(15_000) });
  await res.clone().arrayBuffer();
  return { res, ms: performance.now() - started };
}

const putInit = (body: unknown, headers: Record<string, string>): RequestInit => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The process's state letter from /proc (Linux): R running, S sleeping, T stopped… */
function processState(pid: number): string | undefined {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
}

async function healthy(): Promise<void> {
  await waitFor(async () => (await fetch(`${app.url}/api/health`)).status === 200, { timeoutMs: 15_000, what: 'health to be 200' });
}

test('a write while nats-server is frozen (SIGSTOP: connected, silent) answers 503 within 5 s instead of hanging', async () => {
  const created = await timed('/api/pipes/frozen_write', putInit({ sql: 'SELECT 1' }, { 'if-none-match': '*' }));
  expect(created.res.status).toBe(200);
  const { revision } = (await created.res.json()) as Entry;

  process.kill(nats.pid, 'SIGSTOP');
  let put: Awaited<ReturnType<typeof timed>>;
  try {
    // The signal is delivered asynchronously: wait until the kernel reports the process stopped.
    await waitFor(() => processState(nats.pid) === 'T', { what: 'nats-server to be stopped (state T)' });
    put = await timed('/api/pipes/frozen_write', putInit({ sql: 'SELECT 2' }, { 'if-match': `"${revision}"` }));
  } finally {
    process.kill(nats.pid, 'SIGCONT');
  }
  console.log(`PUT with nats-server frozen: ${put.res.status} after ${put.ms.toFixed(0)} ms`);
  expect(put.res.status).toBe(503);
  expect(put.ms).toBeLessThan(5_000);
  expect(put.res.headers.get('retry-after')).toBe('2');
  // nats.js's own reason in the parentheses.
  expect(((await put.res.json()) as { error: string }).error).toMatch(
    /^NATS did not answer in time \(.+\); a write may or may not have been applied$/,
  );

  await healthy();
  // The request may still have reached the server's socket before the freeze: report what happened.
  const after = await raw.kv.get('frozen_write');
  console.log(`after SIGCONT the 503'd write ${after?.revision === revision ? 'did not land' : `landed as revision ${after?.revision}`}`);
});

test('with nats-server stopped: writes and history answer 503 within 5 s, health 503, reads served from the cache; after a restart on the same port health is 200 and writes work again', async () => {
  await healthy();
  const created = await timed('/api/pipes/outage_pipe', putInit({ sql: 'SELECT 1' }, { 'if-none-match': '*' }));
  expect(created.res.status).toBe(200);
  const { revision } = (await created.res.json()) as Entry;

  const rawBack = nextReconnect(raw.nc);
  await nats.stop();
  const stoppedAt = performance.now();

  const health = await waitFor(
    async () => {
      const res = await fetch(`${app.url}/api/health`);
      return res.status === 503 ? res : undefined;
    },
    { timeoutMs: 5_000, what: 'health to be 503' },
  );
  console.log(`health went 503 ${(performance.now() - stoppedAt).toFixed(0)} ms after nats-server stopped`);
  expect(await health.json()).toMatchObject({ status: 'unavailable', nats: expect.not.stringMatching(/^connected$/) });

  const attempts = {
    'PUT If-Match': await timed('/api/pipes/outage_pipe', putInit({ sql: 'SELECT 2' }, { 'if-match': `"${revision}"` })),
    'PUT If-None-Match': await timed('/api/pipes/outage_new', putInit({ sql: 'SELECT 1' }, { 'if-none-match': '*' })),
    DELETE: await timed('/api/pipes/outage_pipe', { method: 'DELETE', headers: { 'if-match': '*' } }),
    history: await timed('/api/pipes/outage_pipe/history'),
  };
  for (const [what, { res, ms }] of Object.entries(attempts)) {
    console.log(`${what} with nats-server stopped: ${res.status} after ${ms.toFixed(0)} ms`);
    expect(res.status, what).toBe(503);
    expect(ms, what).toBeLessThan(5_000);
  }

  // The watched cache still answers reads, with what it last knew.
  const list = await timed('/api/pipes');
  expect(list.res.status).toBe(200);
  expect(((await list.res.json()) as { pipes: Entry[] }).pipes.find((p) => p.key === 'outage_pipe')?.revision).toBe(revision);
  expect((await timed('/api/pipes/outage_pipe')).res.status).toBe(200);

  nats = await startTestNats(nats.storeDir, nats.port);
  const restartedAt = performance.now();
  await healthy();
  console.log(`health back to 200 ${(performance.now() - restartedAt).toFixed(0)} ms after nats-server restarted`);

  // Nothing the 503s refused was written (asked once the test's own client is back too).
  await rawBack;
  expect((await raw.kv.get('outage_pipe'))?.revision).toBe(revision);
  expect(await raw.kv.get('outage_new')).toBeNull();

  const again = await timed('/api/pipes/outage_pipe', putInit({ sql: 'SELECT 2' }, { 'if-match': `"${revision}"` }));
  expect(again.res.status).toBe(200);
  const stored = await raw.kv.get('outage_pipe');
  expect(stored?.revision).toBe(((await again.res.json()) as Entry).revision);
  expect(stored?.string()).toBe('{"name":"outage_pipe","sql":"SELECT 2"}');

  // And the watch resumed: another writer's put after the restart is served.
  const external = await raw.kv.put('outage_external', '{"name":"outage_external","sql":"SELECT 3"}');
  await waitFor(
    async () => {
      const res = (await timed('/api/pipes/outage_external')).res;
      return res.status === 200 && ((await res.json()) as Entry).revision === external;
    },
    { what: 'the external put after the restart to be served' },
  );
});

test('with nats-server restarted without JetStream: every route answers 503 naming JetStream and health says so; with JetStream back, all is served again', async () => {
  await healthy();
  const created = await timed('/api/pipes/no_js_pipe', putInit({ sql: 'SELECT 1' }, { 'if-none-match': '*' }));
  expect(created.res.status).toBe(200);
  const { revision } = (await created.res.json()) as Entry;

  await nats.stop();
  nats = await startTestNats(nats.storeDir, nats.port, { jetstream: false });
  const health = await waitFor(
    async () => {
      const res = await fetch(`${app.url}/api/health`);
      const body = (await res.json()) as { jetstream?: string; nats?: string };
      return res.status === 503 && body.jetstream === 'unavailable' ? body : undefined;
    },
    { timeoutMs: 10_000, what: 'health to say JetStream is unavailable' },
  );
  // The link itself is up: only JetStream is missing.
  expect(health).toMatchObject({ status: 'unavailable', nats: 'connected', jetstream: 'unavailable' });

  const attempts = {
    list: await timed('/api/pipes'),
    get: await timed('/api/pipes/no_js_pipe'),
    history: await timed('/api/pipes/no_js_pipe/history'),
    'PUT If-Match': await timed('/api/pipes/no_js_pipe', putInit({ sql: 'SELECT 2' }, { 'if-match': `"${revision}"` })),
    'PUT If-None-Match': await timed('/api/pipes/no_js_new', putInit({ sql: 'SELECT 1' }, { 'if-none-match': '*' })),
    DELETE: await timed('/api/pipes/no_js_pipe', { method: 'DELETE', headers: { 'if-match': '*' } }),
    events: await timed('/api/events'),
  };
  for (const [what, { res }] of Object.entries(attempts)) {
    expect(res.status, what).toBe(503);
    expect(((await res.json()) as { error: string }).error, what).toMatch(/JetStream/);
  }

  await nats.stop();
  nats = await startTestNats(nats.storeDir, nats.port);
  await healthy();
  expect(((await (await timed('/api/pipes/no_js_pipe/history')).res.json()) as { history: Entry[] }).history[0]?.revision).toBe(revision);
  const again = await timed('/api/pipes/no_js_pipe', putInit({ sql: 'SELECT 2' }, { 'if-match': `"${revision}"` }));
  expect(again.res.status).toBe(200);
});
