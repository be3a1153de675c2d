import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

type RequestContext = { requestId: string };

// One store for the process: Next evaluates this module once per bundle.
const holder = globalThis as typeof globalThis & { __pipesRequestContext?: AsyncLocalStorage<RequestContext> };
const store = (holder.__pipesRequestContext ??= new AsyncLocalStorage<RequestContext>());

// A caller's own id is kept when it is a plain token (a proxy's, say); anything else gets ours.
const GIVEN_ID = /^[\w.:-]{1,64}$/;

/** The request's id: its `X-Request-Id` when that is a plain token of up to 64 characters, else a new one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given && GIVEN_ID.test(given) ? given : randomUUID();
}

/** Runs `work` with `requestId` on every log line it writes. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return store.run({ requestId }, work);
}

/** The id of the API request being answered, if any. */
export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId;
}
