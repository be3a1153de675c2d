// Reads a pipe's history, one page at a time, through the same API scripts use.
import { historyUrl, readHistoryPage, type HistoryPage } from './history-model';

export type HistoryResult = { ok: true; page: HistoryPage } | { ok: false; message: string };

export async function fetchHistory(key: string, before?: string | null): Promise<HistoryResult> {
  let res: Response;
  try {
    res = await fetch(historyUrl(key, before), { cache: 'no-store' });
  } catch {
    return { ok: false, message: 'The console cannot be reached.' };
  }
  const body: unknown = await res.json().catch(() => ({}));
  if (res.ok) return { ok: true, page: readHistoryPage(body) };
  const error = (body as { error?: unknown }).error;
  const detail = typeof error === 'string' ? error : `HTTP ${res.status}`;
  return { ok: false, message: res.status === 404 ? 'No history is known for this pipe.' : `History unavailable: ${detail}.` };
}
