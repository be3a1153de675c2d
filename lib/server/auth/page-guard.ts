import 'server-only';
import { sessionOf } from './index';

/** Pages anyone may see; every other page needs a signed-in session. */
const PUBLIC_PAGES = new Set(['/login']);

/** Where to send a page request: undefined to serve it, or the sign-in URL. */
export function signInRedirect(url: URL, cookieHeader: string | null): URL | undefined {
  if (PUBLIC_PAGES.has(url.pathname) || sessionOf(cookieHeader)) return undefined;
  const login = new URL('/login', url);
  if (url.pathname !== '/') login.searchParams.set('next', url.pathname + url.search);
  return login;
}
