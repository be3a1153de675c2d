import 'server-only';
import { ForbiddenError } from '@/lib/server/errors';

/**
 * CSRF guard for writes authenticated by the session cookie: the browser must say the request
 * comes from the console's own page. A cross-site form or fetch carries the other site's
 * Origin (or none at all), and cannot forge it. Bearer-token writes need no such check.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const expected = consoleOrigin(request);
  if (origin !== expected) {
    throw new ForbiddenError(`cross-site write refused: Origin ${origin ?? '(none)'} is not the console's own (${expected})`);
  }
}

/** The origin the browser sees; behind a proxy that sets X-Forwarded-Host/-Proto, the public one. */
export function consoleOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? url.host;
  const proto = request.headers.get('x-forwarded-proto') ?? url.protocol.replace(/:$/, '');
  return `${proto.split(',')[0]!.trim()}://${host.split(',')[0]!.trim()}`;
}
