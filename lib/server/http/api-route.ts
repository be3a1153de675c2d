import 'server-only';
import { authorize, type Action, type Principal } from '@/lib/server/auth';
import { errorResponse } from './error-response';

type Context<P> = { params: Promise<P> };

/** Wraps a route handler: one auth check, one error mapping. */
export function apiRoute<P = Record<string, never>>(
  action: Action,
  handler: (request: Request, principal: Principal, params: P) => Promise<Response>,
) {
  return async (request: Request, context: Context<P>): Promise<Response> => {
    try {
      const principal = await authorize(request, action);
      return await handler(request, principal, await context.params);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
