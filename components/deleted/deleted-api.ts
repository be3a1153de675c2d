// The deleted pipes page's two calls; neither throws.
import { deletedResult, restoreOutcome, restoreRequest, type DeletedPipe, type DeletedResult, type RestoreOutcome } from './restore';

const UNREACHABLE = 'the console cannot be reached';

export async function fetchDeleted(signal: AbortSignal): Promise<DeletedResult> {
  try {
    const res = await fetch('/api/deleted', { signal, headers: { Accept: 'application/json' } });
    return deletedResult(res.status, await res.json().catch(() => undefined));
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}

export async function restorePipe(pipe: DeletedPipe): Promise<RestoreOutcome> {
  const request = restoreRequest(pipe);
  if (!request) return { kind: 'failed', message: 'the last value is not a valid pipe' };
  try {
    const res = await fetch(request.url, request.init);
    return restoreOutcome(res.status, await res.json().catch(() => undefined));
  } catch {
    return { kind: 'failed', message: UNREACHABLE };
  }
}
