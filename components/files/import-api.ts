// The Import dialog's one call; it never throws.
import { importOutcome, type ImportOutcome } from './import-outcome';
import type { ImportBody } from './import-request';

export async function postImport(body: ImportBody, signal?: AbortSignal): Promise<ImportOutcome> {
  try {
    const res = await fetch('/api/import', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    return importOutcome(res.status, await res.json().catch(() => undefined));
  } catch (err) {
    if (signal?.aborted) throw err;
    return { kind: 'failed', error: 'the console cannot be reached', done: [] };
  }
}

/** Each picked file's name and bytes. */
export function readPicked(files: Iterable<File>): Promise<{ name: string; bytes: Uint8Array }[]> {
  return Promise.all([...files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}
