/** One finding of WaveHouse's settings reload, as it answers them. */
export type ReloadFinding = { severity: string; file: string; path: string; message: string };

/** What the last reload call came to: WaveHouse's answer, or why there was none. */
export type ReloadResult = {
  /** ISO time of the call. */
  at: string;
  /** The bucket revision the file held when it was called. */
  revision: number;
  status?: number;
  adopted?: boolean;
  findings: ReloadFinding[];
  /** Set when WaveHouse gave no answer of its documented shape. */
  error?: string;
};

const RELOAD_TIMEOUT_MS = 5_000;
const MAX_FINDINGS = 100;
const SHOWN_BODY_CHARS = 200;

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/**
 * Reads WaveHouse's answer to POST /v1/ops/settings/reload: 200 (adopted) or 422 (refused) with
 * `{"adopted": bool, "findings": [{severity, file, path, message}]}`. Anything else is an error
 * that says what came back.
 */
export function readReloadAnswer(status: number, body: string): Pick<ReloadResult, 'status' | 'adopted' | 'findings' | 'error'> {
  const unexpected = (why: string) => ({ status, findings: [], error: `WaveHouse answered ${status} ${why}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return unexpected(`with no JSON: ${JSON.stringify(body.slice(0, SHOWN_BODY_CHARS))}`);
  }
  const answer = parsed as { adopted?: unknown; findings?: unknown } | null;
  if ((status !== 200 && status !== 422) || typeof answer !== 'object' || answer === null || typeof answer.adopted !== 'boolean') {
    return unexpected(
      `(expected 200 or 422 with {"adopted": bool, "findings": [...]}): ${JSON.stringify(body.slice(0, SHOWN_BODY_CHARS))}`,
    );
  }
  const findings = (Array.isArray(answer.findings) ? answer.findings : []).slice(0, MAX_FINDINGS).map((f) => {
    const o = (typeof f === 'object' && f !== null ? f : { message: f }) as Record<string, unknown>;
    return { severity: text(o.severity), file: text(o.file), path: text(o.path), message: text(o.message) };
  });
  return { status, adopted: answer.adopted, findings };
}

/** POSTs the reload endpoint (bearer `token` when set) and reads the answer; never throws. */
export async function callReload(
  url: string,
  token: string | undefined,
  revision: number,
  fetchImpl: typeof fetch = fetch,
): Promise<ReloadResult> {
  const at = new Date().toISOString();
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(RELOAD_TIMEOUT_MS),
    });
    return { at, revision, ...readReloadAnswer(response.status, await response.text()) };
  } catch (err) {
    const why =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer in ${RELOAD_TIMEOUT_MS / 1000} s`
        : String((err as Error)?.message ?? err);
    return { at, revision, findings: [], error: `WaveHouse's reload could not be called: ${why}` };
  }
}
