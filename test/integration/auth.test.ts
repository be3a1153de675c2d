// Access control (README, "Security") against the production server (`next start`) and a real
// nats-server: who may call which route (a table over every kind of credential), the session
// cookie, the CSRF origin check, the sign-in rate limit, the pages' sign-in redirect and
// security headers, and the generated admin token of a console started with no credential.
// A separate nats.js client reads the bucket to prove that refused writes wrote nothing.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { openRawClient, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';

const ADMIN_TOKEN = 'auth-suite-admin-token-0123456789abcdef';
const VIEWER_TOKEN = 'auth-suite-viewer-token-0123456789abcdef';
const JWT_SECRET = 'auth-suite-wavehouse-shared-secret-0123456789';
const OTHER_SECRET = 'not-the-console-secret-but-just-as-long-0123';
/** The main console reads the JWT role at a dotted path, as a WaveHouse deployment may. */
const ROLE_CLAIM = 'app.role';
/** Set to '' so a credential in the developer's shell cannot leak into a console under test. */
const NO_CREDENTIALS = { PIPES_ADMIN_TOKEN: '', PIPES_VIEWER_TOKEN: '', PIPES_JWT_SECRET: '', PIPES_ROLE_CLAIM: '', PIPES_ADMIN_ROLE: '' };
const SESSION = 'pipes_session';
/** A session cookie's value: base64url claims, a dot, a base64url signature. */
const SESSION_VALUE = /^[\w-]+\.[\w-]+$/;
/** A CSP nonce: base64, the only form CSP accepts. */
const NONCE = /'nonce-((?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)'/;
/** The key every read route of the matrix reads. */
const READ_KEY = 'matrix_read';

let nats: TestNats;
let raw: RawClient;
/** Static admin and viewer tokens and HS256 JWTs with the role at `app.role`. */
let app: TestConsole;
/** JWTs only, with the default role claim `role`. */
let plain: TestConsole;
const dataDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dataDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  await assertFreshBuild();
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
  [app, plain] = await Promise.all([
    startConsole(nats.url, {
      env: {
        ...NO_CREDENTIALS,
        PIPES_ADMIN_TOKEN: ADMIN_TOKEN,
        PIPES_VIEWER_TOKEN: VIEWER_TOKEN,
        PIPES_JWT_SECRET: JWT_SECRET,
        PIPES_ROLE_CLAIM: ROLE_CLAIM,
        PIPES_DATA_DIR: tempDir('pipes-auth-data-'),
      },
    }),
    startConsole(nats.url, { env: { ...NO_CREDENTIALS, PIPES_JWT_SECRET: JWT_SECRET, PIPES_DATA_DIR: tempDir('pipes-auth-plain-') } }),
  ]);
  await raw.kv.put(READ_KEY, JSON.stringify({ name: READ_KEY, sql: 'SELECT 1' }));
  await waitFor(async () => (await fetch(`${app.url}/api/pipes/${READ_KEY}`, { headers: bearer(ADMIN_TOKEN) })).status === 200, {
    what: `${READ_KEY} to reach the console's cache`,
  });
});

afterAll(() =>
  disposeAll(app && (() => app.stop()), plain && (() => plain.stop()), raw && (() => raw.close()), nats && (() => nats.dispose()), () =>
    dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })),
  ),
);

// ---------------------------------------------------------------------------------------------
// Helpers

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookieHeader = (value: string) => ({ cookie: `${SESSION}=${value}` });
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

type JwtOptions = { secret?: string; alg?: 'HS256' | 'HS384' | 'HS512'; exp?: string | number; nbf?: number };

function jwt(claims: Record<string, unknown>, { secret = JWT_SECRET, alg = 'HS256', exp = '1h', nbf }: JwtOptions = {}): Promise<string> {
  let builder = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt().setExpirationTime(exp);
  if (nbf !== undefined) builder = builder.setNotBefore(nbf);
  return builder.sign(new TextEncoder().encode(secret));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

type Cookie = { name: string; value: string; attributes: Map<string, string> };

/** The Set-Cookie of `name` in `res`, parsed; attribute names lower-cased, flags map to ''. */
function setCookie(res: Response, name = SESSION): Cookie | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    if (pair!.slice(0, eq) !== name) continue;
    const attributes = new Map<string, string>();
    for (const attr of attrs) {
      const i = attr.indexOf('=');
      attributes.set((i < 0 ? attr : attr.slice(0, i)).toLowerCase(), i < 0 ? '' : attr.slice(i + 1));
    }
    return { name, value: pair!.slice(eq + 1), attributes };
  }
  return undefined;
}

function signInRequest(base: string, token: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token }),
  });
}

/** Signs in with `token` and returns the session cookie's value. */
async function signIn(base: string, token: string): Promise<string> {
  const res = await signInRequest(base, token);
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = setCookie(res);
  expect(cookie?.value).toMatch(SESSION_VALUE);
  return cookie!.value;
}

const putPipe = (base: string, key: string, headers: Record<string, string>, precondition: Record<string, string> = { 'if-match': '*' }) =>
  fetch(`${base}/api/pipes/${encodeURIComponent(key)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...precondition, ...headers },
    body: JSON.stringify({ sql: `SELECT '${key}'` }),
  });

const deletePipe = (base: string, key: string, headers: Record<string, string>) =>
  fetch(`${base}/api/pipes/${encodeURIComponent(key)}`, { method: 'DELETE', headers: { 'if-match': '*', ...headers } });

/** Puts `key` straight into KV (another writer) and returns its revision. */
const rawPut = (key: string) => raw.kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1' }));

async function expectError(res: Response, status: number, error: string): Promise<{ error: string }> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: string };
  expect(body.error).toBe(error);
  return body;
}

/** The CSP's nonce, checked: base64 of at least the 128 bits CSP asks for. */
function expectNonce(csp: string): string {
  expect(csp).toMatch(NONCE);
  const nonce = NONCE.exec(csp)![1]!;
  expect(Buffer.from(nonce, 'base64').length, nonce).toBeGreaterThanOrEqual(16);
  return nonce;
}

// The refusals' messages.
const NO_CREDENTIAL = 'sign in, or send Authorization: Bearer <token>';
const INVALID_TOKEN = 'the token is not valid (unknown, expired or wrongly signed)';
const NOT_BEARER = 'Authorization must be "Bearer <token>"';
const VIEWER_WRITE = 'viewers may read pipes but not change them';
const crossSiteWrite = (origin: string | undefined) =>
  `cross-site write refused: Origin ${origin ?? '(none)'} is not the console's own (${app.url})`;

// ---------------------------------------------------------------------------------------------
// The matrix: every credential × every route.

type Grant = 'none' | 'viewer' | 'admin';
type Credential = {
  label: string;
  headers: () => Promise<Record<string, string>>;
} & (
  | {
      grant: Exclude<Grant, 'none'>;
      /** What GET /api/session answers. */ whoami: { name: string; role: 'admin' | 'viewer' };
      refusal?: never;
    }
  | { grant: 'none'; /** The error of its 401. */ refusal: string; whoami?: never }
);

// Session cookies are made once, by signing in (the matrix must not trip the sign-in limiter).
let adminCookie: Promise<string> | undefined;
let viewerCookie: Promise<string> | undefined;
const adminSession = () => (adminCookie ??= signIn(app.url, ADMIN_TOKEN));
const viewerSession = () => (viewerCookie ??= signIn(app.url, VIEWER_TOKEN));

const CREDENTIALS: Credential[] = [
  { label: 'anonymous', grant: 'none', refusal: NO_CREDENTIAL, headers: async () => ({}) },
  { label: 'viewer token', grant: 'viewer', whoami: { name: 'viewer token', role: 'viewer' }, headers: async () => bearer(VIEWER_TOKEN) },
  { label: 'admin token', grant: 'admin', whoami: { name: 'admin token', role: 'admin' }, headers: async () => bearer(ADMIN_TOKEN) },
  {
    label: 'JWT with app.role admin',
    grant: 'admin',
    whoami: { name: 'ana', role: 'admin' },
    headers: async () => bearer(await jwt({ sub: 'ana', app: { role: 'admin' } })),
  },
  {
    label: 'JWT with app.role analyst',
    grant: 'viewer',
    whoami: { name: 'bo', role: 'viewer' },
    headers: async () => bearer(await jwt({ sub: 'bo', app: { role: 'analyst' } })),
  },
  {
    // The role sits where the default claim would look, not at the configured app.role.
    label: 'JWT with role admin at the top level, not at app.role',
    grant: 'viewer',
    whoami: { name: 'cy', role: 'viewer' },
    headers: async () => bearer(await jwt({ sub: 'cy', role: 'admin' })),
  },
  {
    label: 'expired JWT',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => bearer(await jwt({ sub: 'ana', app: { role: 'admin' } }, { exp: nowSeconds() - 60 })),
  },
  {
    label: 'JWT not valid before 10 minutes from now',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => bearer(await jwt({ sub: 'ana', app: { role: 'admin' } }, { nbf: nowSeconds() + 600 })),
  },
  {
    label: 'JWT signed with another secret',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => bearer(await jwt({ sub: 'ana', app: { role: 'admin' } }, { secret: OTHER_SECRET })),
  },
  {
    label: 'JWT with alg none and no signature',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () =>
      bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'ana', app: { role: 'admin' }, exp: nowSeconds() + 600 })}.`),
  },
  {
    label: 'JWT with alg none and a signature part',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () =>
      bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'ana', app: { role: 'admin' }, exp: nowSeconds() + 600 })}.c2ln`),
  },
  {
    label: 'JWT signed HS512 with the right secret',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => bearer(await jwt({ sub: 'ana', app: { role: 'admin' } }, { alg: 'HS512' })),
  },
  {
    // Re-signing a viewer's claims is the forgery a JWT exists to stop.
    label: 'JWT whose payload was changed from analyst to admin',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => {
      const [h, , s] = (await jwt({ sub: 'bo', app: { role: 'analyst' } })).split('.');
      return bearer(`${h}.${b64url({ sub: 'bo', app: { role: 'admin' }, exp: nowSeconds() + 600 })}.${s}`);
    },
  },
  { label: 'garbage bearer token', grant: 'none', refusal: INVALID_TOKEN, headers: async () => bearer('not-a-token-at-all') },
  {
    label: 'admin token with one character appended',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => ({ authorization: `Bearer ${ADMIN_TOKEN}x` }),
  },
  {
    label: 'Basic authorization with the admin token',
    grant: 'none',
    refusal: NOT_BEARER,
    headers: async () => ({ authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }),
  },
  { label: 'empty Authorization header', grant: 'none', refusal: NOT_BEARER, headers: async () => ({ authorization: '' }) },
  {
    label: 'session cookie of the admin token',
    grant: 'admin',
    whoami: { name: 'admin token', role: 'admin' },
    headers: async () => cookieHeader(await adminSession()),
  },
  {
    label: 'session cookie of the viewer token',
    grant: 'viewer',
    whoami: { name: 'viewer token', role: 'viewer' },
    headers: async () => cookieHeader(await viewerSession()),
  },
  {
    // A bad bearer is not rescued by a good cookie: the explicit credential decides.
    label: 'admin session cookie plus a garbage bearer',
    grant: 'none',
    refusal: INVALID_TOKEN,
    headers: async () => ({ ...cookieHeader(await adminSession()), ...bearer('garbage') }),
  },
];

type Route = {
  label: string;
  access: 'open' | 'read' | 'write';
  /** Status when allowed. */
  ok: number;
  /** Sends the request; `slug` names keys of this credential's own. */
  send: (headers: Record<string, string>, slug: string) => Promise<Response>;
  /** Before sending: state the check afterwards needs. */
  prepare?: (slug: string) => Promise<number | undefined>;
  /** After an allowed request: what it answered and did. */
  allowed?: (res: Response, cred: Credential, slug: string, prepared: number | undefined) => Promise<void>;
  /** After a refused request: that it did nothing. */
  refused?: (slug: string, prepared: number | undefined) => Promise<void>;
};

const get = (urlPath: string) => (headers: Record<string, string>) => fetch(`${app.url}${urlPath}`, { headers });

const ROUTES: Route[] = [
  {
    label: 'GET /api/pipes',
    access: 'read',
    ok: 200,
    send: get('/api/pipes'),
    allowed: async (res) => {
      const body = (await res.json()) as { pipes: { key: string }[] };
      expect(body.pipes.map((p) => p.key)).toContain(READ_KEY);
    },
  },
  {
    label: `GET /api/pipes/${READ_KEY}`,
    access: 'read',
    ok: 200,
    send: get(`/api/pipes/${READ_KEY}`),
    allowed: async (res) => {
      expect(res.headers.get('etag')).toMatch(/^"\d+"$/);
      expect(((await res.json()) as { key: string }).key).toBe(READ_KEY);
    },
  },
  {
    label: `GET /api/pipes/${READ_KEY}/history`,
    access: 'read',
    ok: 200,
    send: get(`/api/pipes/${READ_KEY}/history`),
    allowed: async (res) => {
      const body = (await res.json()) as { history: { key: string }[] };
      expect(body.history[0]?.key).toBe(READ_KEY);
    },
  },
  {
    label: 'PUT /api/pipes/{own key} with If-Match: *',
    access: 'write',
    ok: 200,
    // The page's own Origin, as the console's pages send it: this table is about roles; the
    // CSRF check has tests of its own below.
    send: (headers, slug) => putPipe(app.url, `mx_put_${slug}`, { origin: app.url, ...headers }),
    allowed: async (res, cred, slug) => {
      const entry = (await res.json()) as { key: string; revision: number; actor?: string };
      expect(entry.key).toBe(`mx_put_${slug}`);
      expect(entry.actor).toBe(cred.whoami!.name);
      expect((await raw.kv.get(`mx_put_${slug}`))?.revision).toBe(entry.revision);
    },
    refused: async (slug) => {
      expect(await raw.kv.get(`mx_put_${slug}`)).toBeNull();
    },
  },
  {
    label: 'DELETE /api/pipes/{own key} with If-Match: *',
    access: 'write',
    ok: 204,
    prepare: (slug) => rawPut(`mx_del_${slug}`),
    send: (headers, slug) => deletePipe(app.url, `mx_del_${slug}`, { origin: app.url, ...headers }),
    allowed: async (_res, _cred, slug) => {
      expect((await raw.kv.get(`mx_del_${slug}`))?.operation).toBe('DEL');
    },
    refused: async (slug, revision) => {
      const entry = await raw.kv.get(`mx_del_${slug}`);
      expect(entry?.operation).toBe('PUT');
      expect(entry?.revision).toBe(revision);
    },
  },
  {
    label: 'GET /api/events',
    access: 'read',
    ok: 200,
    send: async (headers) => {
      const abort = new AbortController();
      const res = await fetch(`${app.url}/api/events`, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
      // Status and headers are all this table needs; leave the stream at once, like a closed tab.
      const type = res.headers.get('content-type') ?? '';
      if (type.startsWith('text/event-stream')) {
        abort.abort();
        return new Response(null, { status: res.status, headers: { 'content-type': type } });
      }
      return res;
    },
    allowed: async (res) => {
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    },
  },
  {
    label: 'GET /api/health',
    access: 'open',
    ok: 200,
    send: get('/api/health'),
    allowed: async (res) => {
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    },
  },
  {
    label: 'GET /api/session',
    access: 'read',
    ok: 200,
    send: get('/api/session'),
    allowed: async (res, cred) => {
      expect(await res.json()).toEqual(cred.whoami);
    },
  },
];

function expectedStatus(cred: Credential, route: Route): number {
  if (route.access === 'open') return route.ok;
  if (cred.grant === 'none') return 401;
  if (route.access === 'write' && cred.grant !== 'admin') return 403;
  return route.ok;
}

const MATRIX = CREDENTIALS.flatMap((cred, c) =>
  ROUTES.map((route) => ({ cred, route, slug: `c${c}`, expected: expectedStatus(cred, route) })),
);

describe(`the access matrix: ${CREDENTIALS.length} credentials × ${ROUTES.length} routes`, () => {
  test.each(MATRIX.map((row) => [`${row.cred.label} → ${row.route.label}: ${row.expected}`, row] as const))('%s', async (_name, row) => {
    const { cred, route, slug, expected } = row;
    const prepared = await route.prepare?.(slug);
    const res = await route.send(await cred.headers(), slug);
    if (expected >= 400) {
      await expectError(res, expected, cred.grant === 'none' ? cred.refusal : VIEWER_WRITE);
      if (expected === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
      await route.refused?.(slug, prepared);
    } else {
      expect(res.status, res.status >= 400 ? await res.clone().text() : '').toBe(expected);
      await route.allowed?.(res, cred, slug, prepared);
    }
  });
});

describe('JWT role claim: the default path `role`', () => {
  test('a console with the default claim lets in a JWT whose top-level role is admin (also as one of a list) and reads app.role as nothing', async () => {
    const admin = await jwt({ sub: 'dee', role: 'admin' });
    const listed = await jwt({ sub: 'eve', role: ['support', 'admin'] });
    const nested = await jwt({ sub: 'fay', app: { role: 'admin' } });

    expect(await (await fetch(`${plain.url}/api/session`, { headers: bearer(admin) })).json()).toEqual({ name: 'dee', role: 'admin' });
    expect((await putPipe(plain.url, 'claim_default_admin', bearer(admin))).status).toBe(200);
    expect((await putPipe(plain.url, 'claim_default_listed', bearer(listed))).status).toBe(200);

    expect(await (await fetch(`${plain.url}/api/session`, { headers: bearer(nested) })).json()).toEqual({ name: 'fay', role: 'viewer' });
    await expectError(await putPipe(plain.url, 'claim_default_nested', bearer(nested)), 403, VIEWER_WRITE);
    expect(await raw.kv.get('claim_default_nested')).toBeNull();
  });

  test('the static tokens of one console mean nothing to a console that has none', async () => {
    await expectError(await fetch(`${plain.url}/api/pipes`, { headers: bearer(ADMIN_TOKEN) }), 401, INVALID_TOKEN);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the session cookie', () => {
  test('is HttpOnly, SameSite=Strict, Path=/, expires in 12 hours, and is not Secure over plain http', async () => {
    const before = Date.now();
    const res = await signInRequest(app.url, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'admin token', role: 'admin' });
    const cookie = setCookie(res)!;
    expect(cookie.value).toMatch(SESSION_VALUE);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')?.toLowerCase()).toBe('strict');
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.has('secure')).toBe(false);
    const expires = Date.parse(cookie.attributes.get('expires') ?? '');
    expect(expires).toBeGreaterThanOrEqual(before + 12 * 3600_000 - 2_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 12 * 3600_000 + 1_000);
    // The cookie's value is never the token itself.
    expect(cookie.value).not.toContain(ADMIN_TOKEN);
  });

  test('is Secure when the console is reached over https through a proxy (X-Forwarded-Proto)', async () => {
    const cookie = setCookie(await signInRequest(app.url, ADMIN_TOKEN, { 'x-forwarded-proto': 'https' }))!;
    expect(cookie.attributes.has('secure')).toBe(true);
  });

  test('of a JWT expires when the JWT does, not 12 hours later', async () => {
    const exp = nowSeconds() + 600;
    const cookie = setCookie(await signInRequest(app.url, await jwt({ sub: 'ana', app: { role: 'admin' } }, { exp })))!;
    expect(Date.parse(cookie.attributes.get('expires') ?? '')).toBe(exp * 1000);
  });

  test('sign-out answers 204 and clears the cookie at the same path', async () => {
    const res = await fetch(`${app.url}/api/session`, { method: 'DELETE', headers: cookieHeader(await adminSession()) });
    expect(res.status).toBe(204);
    const cleared = setCookie(res)!;
    expect(cleared.value).toBe('');
    expect(cleared.attributes.get('path')).toBe('/');
    const expires = cleared.attributes.get('expires');
    const maxAge = cleared.attributes.get('max-age');
    expect((expires !== undefined && Date.parse(expires) <= Date.now()) || maxAge === '0').toBe(true);
  });

  test('a tampered cookie is refused with 401: role raised in the payload, a changed signature, an extra part, another console’s cookie', async () => {
    const viewer = await viewerSession();
    const [payload, signature] = viewer.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims.r).toBe('viewer');
    const raised = `${b64url({ ...claims, r: 'admin' })}.${signature}`;
    const flipped = `${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const extended = `${payload}.${signature}.x`;
    const unsigned = `${payload}.`;
    const foreign = setCookie(await signInRequest(plain.url, await jwt({ sub: 'ana', role: 'admin' })))!.value;

    for (const value of [raised, flipped, extended, unsigned, foreign, 'garbage']) {
      // A cookie that does not verify is no credential at all.
      await expectError(await fetch(`${app.url}/api/pipes`, { headers: cookieHeader(value) }), 401, NO_CREDENTIAL);
      await expectError(await putPipe(app.url, 'tampered_cookie', { origin: app.url, ...cookieHeader(value) }), 401, NO_CREDENTIAL);
      const page = await fetch(`${app.url}/`, { headers: cookieHeader(value), redirect: 'manual' });
      expect(page.status).toBe(307);
    }
    expect(await raw.kv.get('tampered_cookie')).toBeNull();
    // The untouched cookie still works: the refusals above were about the changes.
    expect((await fetch(`${app.url}/api/pipes`, { headers: cookieHeader(viewer) })).status).toBe(200);
  });
});

describe('CSRF: writes carried by the session cookie must come from the console’s own origin', () => {
  const foreignOrigins = ['http://evil.example', 'null', 'http://127.0.0.1:1', 'https://127.0.0.1'];

  test('a cookie PUT without Origin, or with a foreign one, is 403 and writes nothing', async () => {
    const key = 'csrf_put';
    const cookie = cookieHeader(await adminSession());
    await expectError(await putPipe(app.url, key, cookie), 403, crossSiteWrite(undefined));
    for (const origin of [...foreignOrigins, app.url.replace('http:', 'https:')]) {
      await expectError(await putPipe(app.url, key, { ...cookie, origin }), 403, crossSiteWrite(origin));
    }
    expect(await raw.kv.get(key)).toBeNull();
  });

  test('a cookie DELETE without Origin, or with a foreign one, is 403 and the pipe stays', async () => {
    const key = 'csrf_delete';
    const revision = await rawPut(key);
    const cookie = cookieHeader(await adminSession());
    await expectError(await deletePipe(app.url, key, cookie), 403, crossSiteWrite(undefined));
    for (const origin of foreignOrigins)
      await expectError(await deletePipe(app.url, key, { ...cookie, origin }), 403, crossSiteWrite(origin));
    const entry = await raw.kv.get(key);
    expect(entry?.operation).toBe('PUT');
    expect(entry?.revision).toBe(revision);
  });

  test('a cookie PUT and DELETE with the console’s own Origin succeed', async () => {
    const key = 'csrf_same_origin';
    const cookie = cookieHeader(await adminSession());
    const res = await putPipe(app.url, key, { ...cookie, origin: app.url }, { 'if-none-match': '*' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await raw.kv.get(key))?.revision).toBe(((await res.json()) as { revision: number }).revision);
    expect((await deletePipe(app.url, key, { ...cookie, origin: app.url })).status).toBe(204);
    expect((await raw.kv.get(key))?.operation).toBe('DEL');
  });

  test('a bearer PUT with a foreign Origin is allowed: a token is not ambient, so there is no CSRF', async () => {
    const key = 'csrf_bearer_foreign';
    const res = await putPipe(app.url, key, { ...bearer(ADMIN_TOKEN), origin: 'http://evil.example' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await raw.kv.get(key))?.revision).toBe(((await res.json()) as { revision: number }).revision);
  });

  test('a cross-site POST /api/session is 403 and sets no cookie, even with a valid token', async () => {
    for (const origin of ['http://evil.example', 'null']) {
      const res = await signInRequest(app.url, ADMIN_TOKEN, { origin });
      await expectError(res, 403, 'cross-site sign-in refused');
      expect(setCookie(res)).toBeUndefined();
    }
    // From the console's own page it works.
    expect((await signInRequest(app.url, ADMIN_TOKEN, { origin: app.url })).status).toBe(200);
  });
});

describe('sign-in', () => {
  test('a body without a usable token is 400, a body that is not JSON 415, neither counts as a failure', async () => {
    const client = { 'x-forwarded-for': '192.0.2.77' };
    for (const token of [undefined, '', '   ', 42, null, ['x'], 'x'.repeat(8193)]) {
      const body = (await expectError(
        await signInRequest(app.url, token, client),
        400,
        'send { "token": "<admin or viewer token, or a JWT>" }',
      )) as { issues?: unknown };
      expect(body.issues).toEqual([{ path: 'token', message: 'required' }]);
    }
    await expectError(
      await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'text/plain', ...client }, body: ADMIN_TOKEN }),
      415,
      'Content-Type must be application/json, got "text/plain"',
    );
    expect((await signInRequest(app.url, ADMIN_TOKEN, client)).status).toBe(200);
  });

  test('10 wrong tokens from one client, then the 11th try, even with the right token, is 429 with Retry-After; another client is unaffected', async () => {
    const client = { 'x-forwarded-for': '203.0.113.10' };
    for (let i = 0; i < 10; i++) {
      const res = await signInRequest(app.url, `wrong-token-${i}`, client);
      await expectError(res, 401, 'that token is not valid');
      expect(setCookie(res)).toBeUndefined();
    }
    const limited = await signInRequest(app.url, ADMIN_TOKEN, client);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await expectError(limited, 429, `too many failed sign-ins; try again in ${retryAfter} s`);
    expect(setCookie(limited)).toBeUndefined();

    const other = await signInRequest(app.url, ADMIN_TOKEN, { 'x-forwarded-for': '203.0.113.11' });
    expect(other.status).toBe(200);
    expect(setCookie(other)?.value).toMatch(SESSION_VALUE);
    // Bearer requests are not sign-ins: the limited client's API calls still work.
    expect((await fetch(`${app.url}/api/pipes`, { headers: { ...bearer(ADMIN_TOKEN), ...client } })).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('pages and security headers', () => {
  test('an anonymous visitor of / is sent to /login with 307; of a deeper page with ?next= that page', async () => {
    const cases: [string, string | null][] = [
      ['/', null],
      ['/feed', '/feed'],
      ['/pipes/some_key?tab=history', '/pipes/some_key?tab=history'],
      ['/pipes/new', '/pipes/new'],
    ];
    for (const [page, next] of cases) {
      const res = await fetch(`${app.url}${page}`, { redirect: 'manual' });
      expect(res.status, page).toBe(307);
      const location = new URL(res.headers.get('location')!, app.url);
      expect(location.origin).toBe(app.url);
      expect(location.pathname).toBe('/login');
      expect(location.searchParams.get('next')).toBe(next);
    }
  });

  test('a signed-in page is 200 with a nonce CSP that every script tag carries, frame-ancestors none, nosniff and Referrer-Policy', async () => {
    const cookie = cookieHeader(await adminSession());
    const nonces: string[] = [];
    for (const page of ['/', '/feed']) {
      const res = await fetch(`${app.url}${page}`, { headers: cookie, redirect: 'manual' });
      expect(res.status, page).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = expectNonce(csp);
      nonces.push(nonce);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'self'");
      const scriptSrc =
        csp
          .split(';')
          .map((d) => d.trim())
          .find((d) => d.startsWith('script-src')) ?? '';
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-powered-by')).toBeNull();

      const html = await res.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`);
    }
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  test('the sign-in page is open and carries the CSP too', async () => {
    const res = await fetch(`${app.url}/login`, { redirect: 'manual' });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expectNonce(csp);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('API answers carry nosniff and no-store, refusals included', async () => {
    const answers = [
      await fetch(`${app.url}/api/health`),
      await fetch(`${app.url}/api/pipes`, { headers: bearer(ADMIN_TOKEN) }),
      await fetch(`${app.url}/api/pipes`),
      await fetch(`${app.url}/api/pipes/absent_key`, { headers: bearer(VIEWER_TOKEN) }),
      await putPipe(app.url, 'nosniff_forbidden', bearer(VIEWER_TOKEN)),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 403]);
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('a console started with no credential at all', () => {
  test('generates <PIPES_DATA_DIR>/admin-token (0600, in a 0700 folder), serves nothing to anonymous users, takes that token as admin, and keeps it across a restart', async () => {
    const dataDir = path.join(tempDir('pipes-auth-embedded-'), 'data');
    const file = path.join(dataDir, 'admin-token');
    let first: TestConsole | undefined;
    let second: TestConsole | undefined;
    try {
      first = await startConsole(nats.url, { env: { ...NO_CREDENTIALS, PIPES_DATA_DIR: dataDir } });
      const token = readFileSync(file, 'utf8').trim();
      expect(token).toMatch(/^[\w-]{43}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);

      const anonymous = [
        await fetch(`${first.url}/api/pipes`),
        await fetch(`${first.url}/api/pipes/${READ_KEY}`),
        await fetch(`${first.url}/api/events`),
        await fetch(`${first.url}/api/session`),
        await putPipe(first.url, 'embedded_anonymous', {}),
        await deletePipe(first.url, READ_KEY, {}),
      ];
      expect(anonymous.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
      expect((await fetch(`${first.url}/`, { redirect: 'manual' })).status).toBe(307);
      expect(await raw.kv.get('embedded_anonymous')).toBeNull();
      expect((await raw.kv.get(READ_KEY))?.operation).toBe('PUT');

      expect(await (await fetch(`${first.url}/api/session`, { headers: bearer(token) })).json()).toEqual({
        name: 'admin token',
        role: 'admin',
      });
      expect((await putPipe(first.url, 'embedded_admin', bearer(token))).status).toBe(200);
      expect((await signInRequest(first.url, token)).status).toBe(200);
      // The token is a secret: the server's output names the file, never the token.
      expect(first.output()).not.toContain(token);

      await first.stop();
      second = await startConsole(nats.url, { env: { ...NO_CREDENTIALS, PIPES_DATA_DIR: dataDir } });
      expect(readFileSync(file, 'utf8').trim()).toBe(token);
      expect(await (await fetch(`${second.url}/api/session`, { headers: bearer(token) })).json()).toEqual({
        name: 'admin token',
        role: 'admin',
      });
      await expectError(await fetch(`${second.url}/api/pipes`), 401, NO_CREDENTIAL);
    } finally {
      await disposeAll(first && (() => first!.stop()), second && (() => second!.stop()));
    }
  });
});
