import 'server-only';
import { config } from '@/lib/server/config';
import { ForbiddenError, UnauthorizedError } from '@/lib/server/errors';
import { loadCredentials, sameSecret, type Credentials } from './credentials';
import type { Action, Principal } from './principal';
import { assertSameOrigin } from './same-origin';
import { SESSION_COOKIE, verifySession } from './session';
import { WindowLimiter } from '@/lib/server/http/window-limiter';
import { principalForToken } from './tokens';

export type { Action, Principal, Role, SignedInVia } from './principal';
export { SESSION_COOKIE } from './session';

const holder = globalThis as typeof globalThis & {
  __pipesCredentials?: Credentials;
  __pipesSignInLimiters?: { client: WindowLimiter; everyone: WindowLimiter };
};

/** The credentials in force, loaded once per process. */
export function credentials(): Credentials {
  holder.__pipesCredentials ??= loadCredentials(config());
  return holder.__pipesCredentials;
}

/** Failed sign-ins: 10 a minute per client, and 100 a minute from everyone together. */
export function signInLimiter(scope: 'client' | 'everyone' = 'client'): WindowLimiter {
  holder.__pipesSignInLimiters ??= { client: new WindowLimiter(10, 60_000), everyone: new WindowLimiter(100, 60_000) };
  return holder.__pipesSignInLimiters[scope];
}

const BEARER = /^Bearer +([^\s]{1,8192})$/i;

/**
 * The one access check of every API route: a bearer token (static or JWT) or a signed-in
 * browser session; 401 without, 403 when the role may not do `action` or a cookie-borne
 * write comes from another site.
 */
export async function authorize(request: Request, action: Action): Promise<Principal> {
  const header = request.headers.get('authorization');
  let principal: Principal | null;
  if (header !== null) {
    const bearer = BEARER.exec(header);
    if (!bearer) throw new UnauthorizedError('Authorization must be "Bearer <token>"');
    principal = await principalForToken(bearer[1]!, credentials());
    if (!principal) throw new UnauthorizedError('the token is not valid (unknown, expired or wrongly signed)');
  } else {
    principal = sessionOf(request.headers.get('cookie'));
    if (!principal) throw new UnauthorizedError('sign in, or send Authorization: Bearer <token>');
    if (action !== 'read') assertSameOrigin(request);
  }
  if (action === 'write' && principal.role !== 'admin') throw new ForbiddenError('viewers may read pipes but not change them');
  return principal;
}

/**
 * GET /api/metrics: `PIPES_METRICS_TOKEN` as a bearer token (a scraper holds that one secret
 * and no role), or any credential that may read.
 */
export async function authorizeMetrics(request: Request): Promise<void> {
  const token = config().auth.metricsToken;
  const bearer = BEARER.exec(request.headers.get('authorization') ?? '');
  if (token && bearer && sameSecret(bearer[1]!, token)) return;
  await authorize(request, 'read');
}

/** The signed-in principal of a Cookie header, or null. */
export function sessionOf(cookieHeader: string | null | undefined): Principal | null {
  return verifySession(readCookie(cookieHeader, SESSION_COOKIE), credentials().sessionKey);
}

function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
