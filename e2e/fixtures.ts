import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, type APIRequest, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { Kvm, type KV } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { SignJWT } from 'jose';
import { startConsole } from '../test/support/console';
import { consoleEnv, E2E_ADMIN_TOKEN, E2E_BASE_URL, E2E_JWT_SECRET, E2E_NATS_URL, e2eEnv } from './env';
import { DEFAULT_BUCKET } from '@/lib/defaults.mjs';

export { expect } from '@playwright/test';

export const BUCKET = DEFAULT_BUCKET;

type TestFixtures = {
  /**
   * Another signed-in admin: a page in a fresh browser context (another person at another
   * browser, own localStorage and own live connection). Context options such as `colorScheme`
   * may be given; every context opened this way is closed when the test ends.
   */
  newAdminPage: (options?: BrowserContextOptions) => Promise<Page>;
  /**
   * A page in a fresh browser context signed in with `token` (a static token or a JWT) at
   * `baseURL` (default the console of the run; `secondConsole.url` for the other instance).
   * Closed when the test ends, if the test has not closed it.
   */
  newSignedInPage: (options: { token: string; baseURL?: string }) => Promise<Page>;
};

type WorkerFixtures = {
  /** The pipes bucket through a raw NATS client: another writer, as WaveHouse itself would be. */
  kv: KV;
  /** Cookies of a session signed in with the admin token, once per worker. */
  adminSession: StorageState;
  /**
   * A second console instance on the same NATS server and bucket, with the same credentials:
   * started for the specs that use it, once per worker.
   */
  secondConsole: { url: string };
};

type StorageState = Exclude<BrowserContextOptions['storageState'], undefined>;

// Fixture functions take `provide`, not `use`: the React hooks lint rule would take Playwright's
// `use` for a hook. Their first parameter must be an object pattern, even an empty one.
export const test = base.extend<TestFixtures, WorkerFixtures>({
  // Known only once global-setup has started the console, so not in playwright.config.ts.
  baseURL: async ({}, provide) => provide(e2eEnv(E2E_BASE_URL)),
  storageState: async ({ adminSession }, provide) => provide(adminSession),
  newAdminPage: async ({ browser, adminSession, baseURL }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (options = {}) => {
      const context = await browser.newContext({ baseURL, storageState: adminSession, ...options });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
  newSignedInPage: async ({ browser, playwright }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async ({ token, baseURL = e2eEnv(E2E_BASE_URL) }) => {
      const context = await browser.newContext({ baseURL, storageState: await signIn(playwright.request, baseURL, token) });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
  adminSession: [
    async ({ playwright }, provide) => provide(await signIn(playwright.request, e2eEnv(E2E_BASE_URL), e2eEnv(E2E_ADMIN_TOKEN))),
    { scope: 'worker' },
  ],
  secondConsole: [
    async ({}, provide, workerInfo) => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'pipes-e2e-data-'));
      const env = consoleEnv({ adminToken: e2eEnv(E2E_ADMIN_TOKEN), jwtSecret: e2eEnv(E2E_JWT_SECRET), dataDir });
      const second = await startConsole(e2eEnv(E2E_NATS_URL), { env });
      try {
        await provide({ url: second.url });
      } finally {
        await second.stop();
        rmSync(dataDir, { recursive: true, force: true });
        // Its log beside the first one's, for reading a failure after the fact.
        mkdirSync(workerInfo.project.outputDir, { recursive: true });
        writeFileSync(path.join(workerInfo.project.outputDir, `console-2.worker-${workerInfo.workerIndex}.log`), second.output());
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  kv: [
    async ({}, provide) => {
      const nc = await connect({ servers: e2eEnv(E2E_NATS_URL), name: 'pipes-e2e' });
      try {
        // Binds to the bucket the console created; creates it like the console would if not.
        await provide(await new Kvm(nc).create(BUCKET, { history: 3 }));
      } finally {
        await nc.close();
      }
    },
    { scope: 'worker' },
  ],
});

/** A key no earlier run or test has used: the bucket lives for the whole run. */
export function uniqueKey(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A WaveHouse-style JWT for `sub`, signed HS256 with the secret the consoles under test accept; a viewer unless `claims` say otherwise. */
export function signJwt(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(e2eEnv(E2E_JWT_SECRET)));
}

/** Cookies of a session signed in with `token` at `baseURL`. */
async function signIn(request: APIRequest, baseURL: string, token: string): Promise<StorageState> {
  const api = await request.newContext({ baseURL });
  try {
    const res = await api.post('/api/session', { data: { token } });
    if (!res.ok()) throw new Error(`sign-in at ${baseURL} failed: ${res.status()} ${await res.text()}`);
    return await api.storageState();
  } finally {
    await api.dispose();
  }
}
