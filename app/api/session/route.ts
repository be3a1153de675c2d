import { cookies } from 'next/headers';
import { authorize, SESSION_COOKIE } from '@/lib/server/auth';
import { consoleOrigin } from '@/lib/server/auth/same-origin';
import { signIn } from '@/lib/server/auth/sign-in';
import { errorResponse, json } from '@/lib/server/http/error-response';
import { readJsonBody } from '@/lib/server/http/request';
import { ForbiddenError } from '@/lib/server/errors';

export const dynamic = 'force-dynamic';

/** Who is signed in (the header shows it). */
export async function GET(request: Request): Promise<Response> {
  try {
    const { name, role } = await authorize(request, 'read');
    return json(200, { name, role });
  } catch (err) {
    return errorResponse(err);
  }
}

/** Sign in: `{ token }` → an httpOnly session cookie. */
export async function POST(request: Request): Promise<Response> {
  try {
    // A sign-in form posted from another site would sign the victim in as the attacker.
    const origin = request.headers.get('origin');
    if (origin && origin !== consoleOrigin(request)) throw new ForbiddenError('cross-site sign-in refused');
    const body = (await readJsonBody(request)) as { token?: unknown } | null;
    const client = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
    const { principal, cookie } = await signIn(body?.token, client);
    (await cookies()).set(SESSION_COOKIE, cookie.value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: consoleOrigin(request).startsWith('https:'),
      path: '/',
      expires: cookie.expires,
    });
    return json(200, { name: principal.name, role: principal.role });
  } catch (err) {
    return errorResponse(err);
  }
}

/** Sign out. */
export async function DELETE(): Promise<Response> {
  (await cookies()).delete(SESSION_COOKIE);
  return new Response(null, { status: 204 });
}
