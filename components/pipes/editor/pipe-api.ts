// The editor's writes: the same compare-and-set routes scripts use, with every outcome the
// editor must react to spelled out.
import type { Entry } from '@/lib/pipes/entry';
import type { FieldIssue, Pipe } from '@/lib/pipes/schema';
import { changeNoteHeaders } from './change-note';

export type WriteResult =
  | { kind: 'ok'; entry?: Entry }
  | { kind: 'conflict'; current: Entry | null; message: string }
  | { kind: 'invalid'; message: string; issues: FieldIssue[] }
  | { kind: 'unavailable'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'failed'; message: string };

export type Precondition = { ifMatch: number | '*' } | { ifNoneMatch: '*' };

const pipeUrl = (key: string) => `/api/pipes/${encodeURIComponent(key)}`;

function headersFor(precondition: Precondition): Record<string, string> {
  return 'ifMatch' in precondition
    ? { 'If-Match': precondition.ifMatch === '*' ? '*' : `"${precondition.ifMatch}"` }
    : { 'If-None-Match': '*' };
}

export async function savePipe(key: string, pipe: Pipe, precondition: Precondition, note?: string): Promise<WriteResult> {
  return send(pipeUrl(key), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headersFor(precondition), ...changeNoteHeaders(note) },
    body: JSON.stringify(pipe),
  });
}

export async function deletePipe(key: string, revision: number): Promise<WriteResult> {
  return send(pipeUrl(key), { method: 'DELETE', headers: headersFor({ ifMatch: revision }) });
}

async function send(url: string, init: RequestInit): Promise<WriteResult> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return { kind: 'unavailable', message: 'The console cannot be reached. Your draft is kept.' };
  }
  const body = res.status === 204 ? {} : await res.json().catch(() => ({}));
  const message: string = body.error ?? `HTTP ${res.status}`;
  switch (res.status) {
    case 200:
      return { kind: 'ok', entry: body as Entry };
    case 204:
      return { kind: 'ok' };
    case 400:
      return { kind: 'invalid', message, issues: body.issues ?? [] };
    case 404:
      return { kind: 'not-found', message };
    case 412:
      return { kind: 'conflict', current: body.current ?? null, message };
    case 503:
      return { kind: 'unavailable', message: `Save failed: ${message}. Your draft is kept; the editor shows any change that did land.` };
    default:
      return { kind: 'failed', message };
  }
}
