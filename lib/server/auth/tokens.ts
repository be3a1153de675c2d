import 'server-only';
import { errors, jwtVerify } from 'jose';
import { sameSecret, type Credentials } from './credentials';
import type { Principal } from './principal';

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** A bearer token → who it is, or null when it is not valid. Never logs the token. */
export async function principalForToken(token: string, creds: Credentials): Promise<Principal | null> {
  if (sameSecret(token, creds.adminToken)) return { name: 'admin token', role: 'admin', via: 'token' };
  if (sameSecret(token, creds.viewerToken)) return { name: 'viewer token', role: 'viewer', via: 'token' };
  if (!creds.jwtSecret || !JWT_SHAPE.test(token)) return null;
  try {
    // HS256 only: WaveHouse signs with a shared secret; refusing other algorithms closes
    // the classic alg-confusion holes. jose checks exp and nbf.
    const { payload } = await jwtVerify(token, new TextEncoder().encode(creds.jwtSecret), { algorithms: ['HS256'] });
    const role = claimAt(payload, creds.roleClaim);
    const isAdmin = Array.isArray(role) ? role.includes(creds.adminRole) : role === creds.adminRole;
    const name = typeof payload.sub === 'string' && payload.sub ? payload.sub : 'jwt';
    return { name, role: isAdmin ? 'admin' : 'viewer', via: 'jwt', ...(payload.exp ? { expiresAt: payload.exp * 1000 } : {}) };
  } catch (err) {
    if (err instanceof errors.JOSEError) return null;
    throw err;
  }
}

/** Reads a dotted claim path such as `app.role` or `realm_access.roles`. */
export function claimAt(payload: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = payload;
  for (const part of dotted.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
