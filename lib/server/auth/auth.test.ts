import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadCredentials, sameSecret } from './credentials';
import { assertSameOrigin, consoleOrigin } from './same-origin';
import { signSession, verifySession } from './session';
import { WindowLimiter } from '@/lib/server/http/window-limiter';
import { claimAt, principalForToken } from './tokens';

const auth = { roleClaim: 'role', adminRole: 'admin' };
const secret = 'a-wavehouse-shared-secret-of-some-length';
const creds = (over: Record<string, string | undefined> = {}) =>
  loadCredentials({
    dataDir: mkdtempSync(path.join(tmpdir(), 'auth-')),
    auth: { ...auth, adminToken: 'adm-token', viewerToken: 'view-token', jwtSecret: secret, ...over },
  });
const jwt = (
  claims: Record<string, unknown>,
  { key = secret, alg = 'HS256', exp = '1h', nbf }: { key?: string; alg?: string; exp?: string | number; nbf?: number } = {},
) => {
  let builder = new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime(exp);
  if (nbf !== undefined) builder = builder.setNotBefore(nbf);
  return builder.sign(new TextEncoder().encode(key));
};

describe('tokens', () => {
  it('maps the static tokens to their roles and refuses anything else', async () => {
    const c = creds();
    expect(await principalForToken('adm-token', c)).toMatchObject({ role: 'admin' });
    expect(await principalForToken('view-token', c)).toMatchObject({ role: 'viewer' });
    expect(await principalForToken('adm-token ', c)).toBeNull();
    expect(await principalForToken('', c)).toBeNull();
  });

  it('accepts a WaveHouse HS256 JWT, reading the role at a dotted claim path', async () => {
    const c = creds({ adminToken: undefined, viewerToken: undefined });
    const dotted = loadCredentials({ dataDir: '/nonexistent', auth: { ...auth, jwtSecret: secret, roleClaim: 'app.role' } });
    expect(await principalForToken(await jwt({ sub: 'ana', role: 'admin' }), c)).toMatchObject({ name: 'ana', role: 'admin' });
    expect(await principalForToken(await jwt({ sub: 'bo', role: 'analyst' }), c)).toMatchObject({ name: 'bo', role: 'viewer' });
    expect(await principalForToken(await jwt({ sub: 'cy', app: { role: 'admin' } }), dotted)).toMatchObject({ role: 'admin' });
    expect(await principalForToken(await jwt({ sub: 'di', role: ['support', 'admin'] }), c)).toMatchObject({ role: 'admin' });
  });

  it('refuses expired, not-yet-valid, wrongly signed and non-HS256 JWTs', async () => {
    const c = creds();
    expect(await principalForToken(await jwt({ role: 'admin' }, { exp: Math.floor(Date.now() / 1000) - 10 }), c)).toBeNull();
    expect(await principalForToken(await jwt({ role: 'admin' }, { nbf: Math.floor(Date.now() / 1000) + 600 }), c)).toBeNull();
    expect(await principalForToken(await jwt({ role: 'admin' }, { key: 'another-secret-entirely-different' }), c)).toBeNull();
    expect(await principalForToken(await jwt({ role: 'admin' }, { alg: 'HS512' }), c)).toBeNull();
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"admin"}').toString('base64url')}.`;
    expect(await principalForToken(unsigned, c)).toBeNull();
  });

  it('reads dotted claims without walking into prototypes', () => {
    expect(claimAt({ a: { b: 'x' } }, 'a.b')).toBe('x');
    expect(claimAt({ a: {} }, 'a.constructor')).toBeUndefined();
    expect(claimAt({}, 'role')).toBeUndefined();
  });
});

describe('credentials', () => {
  it('generates an admin token once when nothing is configured, mode 0600, and reuses it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'auth-'));
    const first = loadCredentials({ dataDir, auth });
    const second = loadCredentials({ dataDir, auth });
    expect(first.generated).toBe(true);
    expect(first.adminToken).toMatch(/^[\w-]{43}$/);
    expect(second.adminToken).toBe(first.adminToken);
    const file = path.join(dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.adminToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('compares secrets in constant time and never matches an unset one', () => {
    expect(sameSecret('x', 'x')).toBe(true);
    expect(sameSecret('x', 'y')).toBe(false);
    expect(sameSecret('', undefined)).toBe(false);
  });
});

describe('session cookie', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips a principal and expires', () => {
    const { value } = signSession({ name: 'ana', role: 'admin', via: 'token' }, key, 1_000);
    expect(verifySession(value, key, 2_000)).toMatchObject({ name: 'ana', role: 'admin', via: 'session' });
    expect(verifySession(value, key, 1_000 + 13 * 3600_000)).toBeNull();
  });

  it('never outlives the credential it came from', () => {
    const { expires } = signSession({ name: 'jwt', role: 'viewer', via: 'jwt', expiresAt: 5_000 }, key, 1_000);
    expect(expires.getTime()).toBe(5_000);
  });

  it('refuses a tampered or foreign cookie', () => {
    const { value } = signSession({ name: 'bo', role: 'viewer', via: 'token' }, key);
    const [payload, sig] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ n: 'bo', r: 'admin', exp: Date.now() + 1e6 })).toString('base64url');
    expect(verifySession(`${forged}.${sig}`, key)).toBeNull();
    expect(verifySession(value, Buffer.alloc(32, 8))).toBeNull();
    expect(verifySession(`${payload}.`, key)).toBeNull();
    expect(verifySession('garbage', key)).toBeNull();
    expect(verifySession(undefined, key)).toBeNull();
  });
});

describe('same origin', () => {
  const req = (headers: Record<string, string>) =>
    new Request('http://127.0.0.1:3000/api/pipes/x', { method: 'PUT', headers: { host: '127.0.0.1:3000', ...headers } });
  it('accepts the console origin and refuses others or none', () => {
    expect(() => assertSameOrigin(req({ origin: 'http://127.0.0.1:3000' }))).not.toThrow();
    expect(() => assertSameOrigin(req({ origin: 'http://evil.example' }))).toThrow(/cross-site/);
    expect(() => assertSameOrigin(req({}))).toThrow(/cross-site/);
  });
  it('uses the forwarded host and protocol behind a proxy', () => {
    expect(consoleOrigin(req({ 'x-forwarded-host': 'console.example', 'x-forwarded-proto': 'https' }))).toBe('https://console.example');
  });
});

describe('sign-in limiter', () => {
  it('allows 10 failures a minute per client, then says how long to wait', () => {
    const limiter = new WindowLimiter(10, 60_000);
    for (let i = 0; i < 10; i++) {
      expect(limiter.retryAfter('a', 1_000 + i)).toBe(0);
      limiter.count('a', 1_000 + i);
    }
    expect(limiter.retryAfter('a', 2_000)).toBe(59_000);
    expect(limiter.retryAfter('b', 2_000)).toBe(0);
    expect(limiter.retryAfter('a', 61_001)).toBe(0);
  });
});
