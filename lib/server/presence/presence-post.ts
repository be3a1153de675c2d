import 'server-only';
import { keyProblem } from '@/lib/pipes/names';
import { BadRequestError } from '@/lib/server/errors';
import type { PresencePost } from './presence';

const MAX_TAB_CHARS = 64;

/** The body of POST /api/presence: `{ tab?: string (1–64 characters), key: string | null, editing: boolean }`. */
export function parsePresencePost(body: unknown): PresencePost {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('the body must be an object { tab?, key, editing }', [{ path: '', message: 'not an object' }]);
  }
  const { tab, key, editing } = body as Record<string, unknown>;
  if (tab !== undefined && (typeof tab !== 'string' || tab.length === 0 || tab.length > MAX_TAB_CHARS)) {
    throw new BadRequestError(`tab must be a string of 1 to ${MAX_TAB_CHARS} characters`, [{ path: 'tab', message: 'invalid' }]);
  }
  if (key !== null && typeof key !== 'string') {
    throw new BadRequestError("key must be the open pipe's key, or null when no pipe is open", [
      { path: 'key', message: 'not a string or null' },
    ]);
  }
  const problem = key === null ? undefined : keyProblem(key);
  if (problem) throw new BadRequestError(`invalid key: ${problem}`, [{ path: 'key', message: problem }]);
  if (typeof editing !== 'boolean') {
    throw new BadRequestError('editing must be true or false', [{ path: 'editing', message: 'not a boolean' }]);
  }
  return { ...(tab === undefined ? {} : { tab: tab as string }), key: key as string | null, editing };
}
