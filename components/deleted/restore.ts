// The deleted pipes page's requests and what their answers mean, framework-free.
import type { Entry } from '@/lib/pipes/entry';

/** A key whose latest change is a delete or purge, with the last value it had. */
export type DeletedPipe = {
  key: string;
  revision: number;
  updated: string;
  operation: 'DEL' | 'PURGE';
  actor: string;
  note?: string;
  last: Entry;
};

export type DeletedResult = { ok: true; deleted: DeletedPipe[] } | { ok: false; error: string };

export type RestoreOutcome =
  { kind: 'restored'; revision: number | undefined } | { kind: 'recreated' } | { kind: 'failed'; message: string };

const errorOf = (status: number, body: unknown): string => {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : `HTTP ${status}`;
};

export function deletedResult(status: number, body: unknown): DeletedResult {
  if (status !== 200) return { ok: false, error: errorOf(status, body) };
  const deleted = typeof body === 'object' && body !== null ? (body as { deleted?: unknown }).deleted : undefined;
  return Array.isArray(deleted)
    ? { ok: true, deleted: deleted as DeletedPipe[] }
    : { ok: false, error: 'the answer holds no list of deleted pipes' };
}

/**
 * Writes the last value back, only if the key is still absent (`If-None-Match: *`), with a note
 * saying which revision it came from. Undefined when the last value was not a valid pipe.
 */
export function restoreRequest({ key, last }: DeletedPipe): { url: string; init: RequestInit } | undefined {
  if (last.value === null) return undefined;
  return {
    url: `/api/pipes/${encodeURIComponent(key)}`,
    init: {
      method: 'PUT',
      headers: {
        'If-None-Match': '*',
        'Content-Type': 'application/json',
        'X-Change-Note': encodeURIComponent(`restore of r${last.revision}`),
      },
      body: JSON.stringify(last.value),
    },
  };
}

export function restoreOutcome(status: number, body: unknown): RestoreOutcome {
  if (status === 200) {
    const revision = typeof body === 'object' && body !== null ? (body as { revision?: unknown }).revision : undefined;
    return { kind: 'restored', revision: typeof revision === 'number' ? revision : undefined };
  }
  // The key exists again: the precondition saved whoever recreated it from being overwritten.
  if (status === 412) return { kind: 'recreated' };
  return { kind: 'failed', message: errorOf(status, body) };
}

export function recreatedMessage(key: string): string {
  return `${key} was created again by someone else meanwhile; nothing was written.`;
}
