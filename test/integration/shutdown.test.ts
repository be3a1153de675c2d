// A console told to stop (SIGTERM, as an orchestrator or `npm start`'s Ctrl-C does), against a
// real nats-server: it ends its event streams at once, lets a write in flight finish, closes
// NATS and exits 0 — and liveness is not readiness.
import { afterEach, expect, test } from 'vitest';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { openRawClient, readBucket, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';
import { connectSse } from '../support/sse-client';

const TOKEN = 'shutdown-test-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let nats: TestNats | undefined;
let raw: RawClient | undefined;
let app: TestConsole | undefined;

afterEach(async () => {
  // A test that failed with the server frozen leaves it to be let go (or gone already).
  try {
    if (nats) process.kill(nats.pid, 'SIGCONT');
  } catch {
    // it has exited
  }
  await disposeAll(app && (() => app!.stop()), raw && (() => raw!.close()), nats && (() => nats!.dispose()));
  nats = raw = app = undefined;
});

async function stack() {
  await assertFreshBuild();
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
  app = await startConsole(nats.url, { env: { PIPES_ADMIN_TOKEN: TOKEN } });
  return { nats, raw, app };
}

test('on SIGTERM the event streams end at once, a write in flight finishes, and the process exits 0 without a reconnect', async () => {
  const { nats, raw, app } = await stack();
  const stream = await connectSse(`${app.url}/api/events`, { headers: auth });
  await stream.waitForEvents((events) => events.some((e) => e.event === 'snapshot'), 5_000);

  // A frozen nats-server holds the write in flight at NATS until it is let go.
  process.kill(nats.pid, 'SIGSTOP');
  const put = fetch(`${app.url}/api/pipes/in_flight`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json', 'if-none-match': '*' },
    body: JSON.stringify({ sql: 'SELECT 1' }),
  });
  await waitFor(async () => (await (await fetch(`${app.url}/api/health`)).json()).writes_in_flight === 1, { what: 'the write in flight' });

  process.kill(app.pid, 'SIGTERM');
  await waitFor(() => stream.ended, { timeoutMs: 2_000, what: 'the event stream to end' });
  expect(stream.ended).toBe('the server ended the stream');
  expect(app.exited()).toBe(false); // still waiting for its write

  process.kill(nats.pid, 'SIGCONT');
  expect((await put).status).toBe(200);
  await waitFor(() => app.exited(), { what: 'the console to exit' });
  expect(app.exitCode()).toBe(0);
  expect((await readBucket(raw.kv)).values.has('in_flight')).toBe(true);
  expect(app.output()).not.toMatch(/NATS reconnecting|shutdown took over/);
});

test('liveness answers 200 while NATS is down, when readiness answers 503', async () => {
  const { nats, app } = await stack();
  await nats.stop();
  await waitFor(async () => (await fetch(`${app.url}/api/health`)).status === 503, { what: 'readiness to fail' });
  const live = await fetch(`${app.url}/api/health/live`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: 'ok' });
});
