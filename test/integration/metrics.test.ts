// GET /api/metrics (Prometheus text) and the request id of API answers, against the production
// server and a real nats-server.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestNats } from '../support/nats';
import { waitFor } from '../support/poll';
import { connectSse } from '../support/sse-client';
import { disposeTestStack, startTestStack, type TestStack } from '../support/stack';

const ADMIN = 'metrics-test-admin-token';
const SCRAPER = 'metrics-test-scraper-token';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ PIPES_ADMIN_TOKEN: ADMIN, PIPES_METRICS_TOKEN: SCRAPER });
});

afterAll(() => disposeTestStack(stack));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function scrape(): Promise<string> {
  const res = await fetch(`${stack.app.url}/api/metrics`, { headers: bearer(SCRAPER) });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample, `name` with exactly `labels` (as written, e.g. `outcome="ok"`). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const wanted = labels ? `${name}{${labels}}` : name;
  const line = text.split('\n').find((l) => l.startsWith(`${wanted} `));
  return line === undefined ? undefined : Number(line.slice(wanted.length + 1));
}

const putPipe = (key: string, headers: Record<string, string>) =>
  fetch(`${stack.app.url}/api/pipes/${key}`, {
    method: 'PUT',
    headers: { ...bearer(ADMIN), 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ sql: 'SELECT 1' }),
  });

describe('who may scrape', () => {
  test('nobody without a credential: 401', async () => {
    expect((await fetch(`${stack.app.url}/api/metrics`)).status).toBe(401);
  });

  test('the metrics token, in Prometheus text format', async () => {
    const res = await fetch(`${stack.app.url}/api/metrics`, { headers: bearer(SCRAPER) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^# HELP pipes_console_/m);
  });

  test('any credential that may read', async () => {
    expect((await fetch(`${stack.app.url}/api/metrics`, { headers: bearer(ADMIN) })).status).toBe(200);
  });

  test('not the metrics token for anything else', async () => {
    expect((await fetch(`${stack.app.url}/api/pipes`, { headers: bearer(SCRAPER) })).status).toBe(401);
  });
});

describe('what they count', () => {
  test('writes by outcome, in the duration histogram', async () => {
    expect((await putPipe('metric_ok', { 'if-none-match': '*' })).status).toBe(200);
    expect((await putPipe('metric_ok', { 'if-match': '"999999"' })).status).toBe(412);
    const text = await scrape();
    expect(sample(text, 'pipes_console_write_duration_seconds_count', 'outcome="ok"')).toBe(1);
    expect(sample(text, 'pipes_console_write_duration_seconds_count', 'outcome="conflict"')).toBe(1);
  });

  test('open event streams, and the events and bytes sent to them', async () => {
    const before = await scrape();
    const stream = await connectSse(`${stack.app.url}/api/events`, { headers: bearer(ADMIN) });
    try {
      await stream.waitForEvents((events) => events.some((e) => e.event === 'snapshot'), 5_000);
      await stack.raw.kv.put('metric_live', JSON.stringify({ name: 'metric_live', sql: 'SELECT 2' }));
      await stream.waitForEvents((events) => events.some((e) => e.event === 'put'), 5_000);
      const text = await scrape();
      expect(sample(text, 'pipes_console_sse_clients')).toBe(1);
      // status, snapshot and the put, at least.
      expect(
        sample(text, 'pipes_console_sse_events_sent_total')! - sample(before, 'pipes_console_sse_events_sent_total')!,
      ).toBeGreaterThanOrEqual(3);
      expect(sample(text, 'pipes_console_sse_bytes_sent_total')!).toBeGreaterThan(sample(before, 'pipes_console_sse_bytes_sent_total')!);
    } finally {
      stream.close();
    }
  });

  test('the cache: its pipes, its revision and no watch lag once it has caught up', async () => {
    const revision = await stack.raw.kv.put('metric_lag', JSON.stringify({ name: 'metric_lag', sql: 'SELECT 3' }));
    const text = await waitFor(async () => {
      const t = await scrape();
      return sample(t, 'pipes_console_cache_revision') === revision ? t : undefined;
    });
    expect(sample(text, 'pipes_console_watch_lag_revisions')).toBe(0);
    expect(sample(text, 'pipes_console_cached_pipes')).toBe(
      (await (await fetch(`${stack.app.url}/api/pipes`, { headers: bearer(ADMIN) })).json()).pipes.length,
    );
    expect(sample(text, 'pipes_console_nats_connected')).toBe(1);
  });
});

describe('request ids', () => {
  test('an API answer carries a new X-Request-Id, or the one it was given', async () => {
    const mine = await fetch(`${stack.app.url}/api/pipes`, { headers: { ...bearer(ADMIN), 'x-request-id': 'given-id-1' } });
    const fresh = await fetch(`${stack.app.url}/api/pipes`, { headers: bearer(ADMIN) });
    expect(mine.headers.get('x-request-id')).toBe('given-id-1');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a write's log line carries its request id", async () => {
    await putPipe('metric_logged', { 'if-none-match': '*', 'x-request-id': 'logged-write-1' });
    const line = await waitFor(() =>
      stack.app
        .output()
        .split('\n')
        .find((l) => l.includes('"request_id":"logged-write-1"')),
    );
    expect(line).toMatch(/pipes-console info api \{.*"method":"PUT".*"path":"\/api\/pipes\/metric_logged".*"status":200/);
  });
});

test('a NATS restart is counted as a reconnect', async () => {
  const { nats } = stack;
  const before = sample(await scrape(), 'pipes_console_nats_reconnects_total') ?? 0;
  await nats.stop();
  // Its own dispose stops the restarted server and removes the store.
  stack.nats = await startTestNats(nats.storeDir, nats.port);
  const text = await waitFor(
    async () => {
      const t = await scrape();
      return sample(t, 'pipes_console_nats_reconnects_total') === before + 1 && sample(t, 'pipes_console_nats_connected') === 1
        ? t
        : undefined;
    },
    { timeoutMs: 20_000, what: 'the reconnect to be counted' },
  );
  expect(sample(text, 'pipes_console_nats_reconnects_total')).toBe(before + 1);
});
