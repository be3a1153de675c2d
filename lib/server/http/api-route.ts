import 'server-only';
import { authorize, type Action, type Principal } from '@/lib/server/auth';
import { log } from '@/lib/server/log';
import { requestIdOf, withRequestId } from '@/lib/server/request-context';
import { errorResponse } from './error-response';

type Context<P> = { params: Promise<P> };

/**
 * Wraps a route handler: one auth check, one error mapping, and a request id on the answer
 * (`X-Request-Id`) and on every log line written while answering.
 */
export function apiRoute<P = Record<string, never>>(
  action: Action,
  handler: (request: Request, principal: Principal, params: P) => Promise<Response>,
) {
  return async (request: Request, context: Context<P>): Promise<Response> => {
    const requestId = requestIdOf(request);
    const started = performance.now();
    return withRequestId(requestId, async () => {
      let response: Response;
      try {
        const principal = await authorize(request, action);
        response = await handler(request, principal, await context.params);
      } catch (err) {
        response = errorResponse(err);
      }
      response.headers.set('X-Request-Id', requestId);
      const { pathname } = new URL(request.url);
      if (response.status >= 400 || (!READS.has(request.method) && pathname !== PRESENCE_PATH)) {
        log.info('api', { method: request.method, path: pathname, status: response.status, ms: Math.round(performance.now() - started) });
      }
      return response;
    });
  };
}

// One line per write (PUT, DELETE, an import) and per refused or failed request; reads and
// presence reports (several a second per open tab) go unlogged.
const READS = new Set(['GET', 'HEAD']);
const PRESENCE_PATH = '/api/presence';
