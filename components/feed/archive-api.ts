// The change archive's one read the feed makes: a page of changes across all keys, newest first.
import type { Change } from '@/lib/pipes/entry';
import type { PageResult } from './feed-state';

export const PAGE_SIZE = 100;

export function changesUrl(before: string | undefined, limit = PAGE_SIZE): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) query.set('before', before);
  return `/api/changes?${query}`;
}

/** Never throws: a failure comes back as the server's `error`, or says what went wrong. */
export async function fetchChanges(before: string | undefined, signal: AbortSignal): Promise<PageResult> {
  let res: Response;
  try {
    res = await fetch(changesUrl(before), { signal, headers: { Accept: 'application/json' } });
  } catch {
    return { ok: false, error: 'the console cannot be reached' };
  }
  const body: unknown = await res.json().catch(() => undefined);
  return pageResult(res.status, body);
}

export function pageResult(status: number, body: unknown): PageResult {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (status !== 200) return { ok: false, error: typeof fields.error === 'string' ? fields.error : `HTTP ${status}` };
  if (!Array.isArray(fields.changes)) return { ok: false, error: 'the answer holds no list of changes' };
  const next = typeof fields.next === 'string' ? fields.next : null;
  return { ok: true, changes: fields.changes as Change[], next };
}
