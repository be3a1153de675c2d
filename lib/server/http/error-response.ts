import 'server-only';
import {
  BadRequestError,
  FilesRefusedError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnauthorizedError,
  UnavailableError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
} from '@/lib/server/errors';
import { errorMessage, log } from '@/lib/server/log';
import { BucketMissingError } from '@/lib/server/nats';

/** The one place an error becomes an HTTP status. Unknown errors are 500 and logged. */
export function errorResponse(err: unknown): Response {
  if (err instanceof BadRequestError) return json(400, { error: err.message, issues: err.issues });
  if (err instanceof FilesRefusedError) return json(400, { error: err.message, findings: err.findings });
  if (err instanceof UnauthorizedError) return json(401, { error: err.message }, { 'WWW-Authenticate': 'Bearer' });
  if (err instanceof ForbiddenError) return json(403, { error: err.message });
  if (err instanceof NotFoundError) return json(404, { error: err.message });
  if (err instanceof PreconditionFailedError) return json(412, { error: err.message, current: err.current });
  if (err instanceof PayloadTooLargeError) return json(413, { error: err.message });
  if (err instanceof UnsupportedMediaTypeError) return json(415, { error: err.message });
  if (err instanceof PreconditionRequiredError) return json(428, { error: err.message });
  if (err instanceof TooManyRequestsError)
    return json(429, { error: err.message }, { 'Retry-After': String(Math.ceil(err.retryAfterMs / 1000)) });
  if (err instanceof UnavailableError) return json(503, { error: err.message }, { 'Retry-After': '2' });
  if (err instanceof BucketMissingError) return json(503, { error: `the pipes bucket is missing: ${err.message}` }, { 'Retry-After': '2' });
  log.error('unexpected error in an API route', { error: errorMessage(err), stack: err instanceof Error ? err.stack : undefined });
  return json(500, { error: 'internal error; see the server log' });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}
