import 'server-only';
import { BadRequestError, TooManyRequestsError, UnauthorizedError } from '@/lib/server/errors';
import { credentials, signInLimiter } from './index';
import type { Principal } from './principal';
import { signSession } from './session';
import { principalForToken } from './tokens';

export type SignedIn = { principal: Principal; cookie: { value: string; expires: Date } };

// X-Forwarded-For is whatever a direct client says it is, so the per-client limit alone can be
// dodged; all failures together are capped too (a slow brake on guessing, not a lockout).
const EVERYONE = '*';

/** Exchanges a token for a session cookie; failures count against the client's limit. */
export async function signIn(token: unknown, client: string): Promise<SignedIn> {
  const wait = Math.max(signInLimiter().retryAfter(client), signInLimiter('everyone').retryAfter(EVERYONE));
  if (wait > 0) throw new TooManyRequestsError(`too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`, wait);
  if (typeof token !== 'string' || token.trim() === '' || token.length > 8192) {
    throw new BadRequestError('send { "token": "<admin or viewer token, or a JWT>" }', [{ path: 'token', message: 'required' }]);
  }
  const creds = credentials();
  const principal = await principalForToken(token.trim(), creds);
  if (!principal) {
    signInLimiter().count(client);
    signInLimiter('everyone').count(EVERYONE);
    throw new UnauthorizedError('that token is not valid');
  }
  signInLimiter().forget(client);
  return { principal, cookie: signSession(principal, creds.sessionKey) };
}
