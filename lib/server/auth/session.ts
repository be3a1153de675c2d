import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal } from './principal';

export const SESSION_COOKIE = 'pipes_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

type SessionPayload = { n: string; r: Principal['role']; exp: number };

/** `payload.signature`, both base64url; the payload says who, which role, and until when. */
export function signSession(principal: Principal, key: Buffer, now = Date.now()): { value: string; expires: Date } {
  const exp = Math.min(now + SESSION_TTL_MS, principal.expiresAt ?? Infinity);
  const payload = Buffer.from(JSON.stringify({ n: principal.name, r: principal.role, exp } satisfies SessionPayload)).toString('base64url');
  return { value: `${payload}.${mac(payload, key)}`, expires: new Date(exp) };
}

export function verifySession(value: string | undefined, key: Buffer, now = Date.now()): Principal | null {
  if (!value || value.length > 4096) return null;
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(payload, key));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionPayload;
    if (typeof data.exp !== 'number' || data.exp <= now) return null;
    if (data.r !== 'admin' && data.r !== 'viewer') return null;
    return { name: String(data.n), role: data.r, via: 'session', expiresAt: data.exp };
  } catch {
    return null;
  }
}

function mac(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
