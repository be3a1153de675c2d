// The stack both files suites run on (the CLI's and the console's Export and Import): the test
// stack seeded with filesSeed(), and the helpers they share — authorised API calls, the listing,
// a raw put the console is waited for, and temporary folders removed with the stack.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Entry } from '@/lib/pipes/entry';
import { filesSeed } from './files-seed';
import { waitFor } from './poll';
import { disposeTestStack, startTestStack, type TestStack } from './stack';

export type FilesStack = TestStack & {
  /** `urlPath` on the console with `Authorization: Bearer <token>` (the stack's own by default). */
  api(urlPath: string, init?: RequestInit, token?: string): Promise<Response>;
  listing(): Promise<{ revision: number; pipes: Entry[] }>;
  /** Puts `value` through the raw client and waits until the console has it. */
  putRaw(key: string, value: unknown): Promise<number>;
  /** A new empty folder, removed by dispose(). */
  freshFolder(): string;
  dispose(): Promise<void>;
};

/** Starts the stack with `env`, seeds it (`deviceSql`: see filesSeed) and waits until the console holds the seed. */
export async function startFilesStack(options: {
  env: Record<string, string>;
  token: string;
  deviceSql: string;
  folderPrefix: string;
}): Promise<FilesStack> {
  const stack = await startTestStack(options.env);
  const folders: string[] = [];
  const api = (urlPath: string, init: RequestInit = {}, token = options.token) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${stack.app.url}${urlPath}`, { ...init, headers });
  };
  const listing = async () => {
    const res = await api('/api/pipes');
    expect(res.status).toBe(200);
    return (await res.json()) as { revision: number; pipes: Entry[] };
  };
  let revision = 0;
  for (const [key, text] of Object.entries(filesSeed(options.deviceSql))) revision = await stack.raw.kv.put(key, text);
  await waitFor(async () => (await listing()).revision >= revision, { what: 'the console to hold the seeded pipes' });
  return {
    ...stack,
    api,
    listing,
    async putRaw(key, value) {
      const written = await stack.raw.kv.put(key, JSON.stringify(value));
      await waitFor(async () => (await listing()).revision >= written, { what: `the console to see ${key} at ${written}` });
      return written;
    },
    freshFolder() {
      const dir = mkdtempSync(path.join(tmpdir(), options.folderPrefix));
      folders.push(dir);
      return dir;
    },
    async dispose() {
      for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
      await disposeTestStack(stack);
    },
  };
}
