import 'server-only';
import { cookies } from 'next/headers';
import { SESSION_COOKIE, sessionOf, type Principal } from './index';

/** Who is signed in, for a page being rendered (its session cookie); null when nobody is. */
export async function pageSession(): Promise<Principal | null> {
  const cookie = (await cookies()).get(SESSION_COOKIE);
  return sessionOf(cookie ? `${SESSION_COOKIE}=${cookie.value}` : null);
}
