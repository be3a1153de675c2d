import { NextResponse, type NextRequest } from 'next/server';
import { signInRedirect } from '@/lib/server/auth/page-guard';
import { contentSecurityPolicy } from '@/lib/server/security-headers';

/**
 * Runs before every page: anonymous visitors go to /login, and each page gets a fresh CSP nonce
 * (Next reads it from the request's CSP header and puts it on its own scripts). API routes do
 * their own check in lib/server/http/api-route.ts.
 */
export function proxy(request: NextRequest) {
  const redirect = signInRedirect(request.nextUrl, request.headers.get('cookie'));
  if (redirect) return NextResponse.redirect(redirect);
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: [
    {
      // The files of public/ are open to all: a browser fetches its icons before anyone signs in.
      source:
        '/((?!api/|_next/static|_next/image|favicon.ico|icon.svg|icon-192.png|icon-512.png|apple-touch-icon.png|manifest.webmanifest).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
