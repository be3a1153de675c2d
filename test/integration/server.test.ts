// server.mjs itself, against a real nats-server: where it listens when nothing says where, what it
// answers on its own (before Next sees a request), and the files of public/.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { startTestNats, type TestNats } from '../support/nats';
import { rawRequest } from '../support/raw-http';

let nats: TestNats;
let app: TestConsole;

beforeAll(async () => {
  await assertFreshBuild();
  nats = await startTestNats();
  // Neither -H nor HOST: the server's own default decides.
  app = await startConsole(nats.url, { hostGiven: false, env: { PIPES_ADMIN_TOKEN: 'server-test-admin-token' } });
});

afterAll(() => disposeAll(app && (() => app.stop()), nats && (() => nats.dispose())));

/** Whether something accepts TCP connections on `host`:`port`. */
async function answersOn(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${port}/api/health`, { signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

test('with HOST unset it listens on 127.0.0.1 only: another loopback address (as any other interface) is refused', async () => {
  expect(await answersOn('127.0.0.1', app.port)).toBe(true);
  // 127.0.0.2 reaches a socket bound to 0.0.0.0, but not one bound to 127.0.0.1.
  expect(await answersOn('127.0.0.2', app.port)).toBe(false);
});

test('its own 400, for a path whose %-escapes do not decode, carries the headers every answer carries', async () => {
  const answer = await rawRequest(app.url, ['GET /api/pipes/%ZZ HTTP/1.1']);
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toEqual({ error: 'the path is not valid percent-encoding (a % must start %XX escapes of UTF-8 bytes)' });
  expect(answer.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  });
});

test('an event stream refused for want of a credential carries the headers every answer carries', async () => {
  const res = await fetch(`${app.url}/api/events`);
  expect(res.status).toBe(401);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
});

test('the pipe list, answered before Next sees it, carries the headers every answer carries', async () => {
  const res = await fetch(`${app.url}/api/pipes`, { headers: { authorization: 'Bearer server-test-admin-token' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
});

test('the pipe list refused for want of a credential carries them too', async () => {
  const res = await fetch(`${app.url}/api/pipes`);
  expect(res.status).toBe(401);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});

test('/favicon.ico is served from public/ to anyone, as an icon', async () => {
  const res = await fetch(`${app.url}/favicon.ico`, { redirect: 'manual' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // An ICO file starts with reserved 0, type 1 (icon).
  expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]);
});

test('the app icons and the web manifest are served to anyone', async () => {
  for (const path of ['/icon.svg', '/icon-192.png', '/icon-512.png', '/apple-touch-icon.png', '/manifest.webmanifest']) {
    const res = await fetch(`${app.url}${path}`, { redirect: 'manual' });
    await res.body?.cancel();
    expect(res.status, path).toBe(200);
  }
});
