import { test as base, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { Kvm, type KV } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { E2E_ADMIN_TOKEN, E2E_BASE_URL, E2E_NATS_URL, e2eEnv } from './env';
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
};

type WorkerFixtures = {
  /** The pipes bucket through a raw NATS client: another writer, as WaveHouse itself would be. */
  kv: KV;
  /** Cookies of a session signed in with the admin token, once per worker. */
  adminSession: Exclude<BrowserContextOptions['storageState'], undefined>;
};

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
  adminSession: [
    async ({ playwright }, provide) => {
      const api = await playwright.request.newContext({ baseURL: e2eEnv(E2E_BASE_URL) });
      try {
        const res = await api.post('/api/session', { data: { token: e2eEnv(E2E_ADMIN_TOKEN) } });
        if (!res.ok()) throw new Error(`sign-in with the admin token failed: ${res.status()} ${await res.text()}`);
        await provide(await api.storageState());
      } finally {
        await api.dispose();
      }
    },
    { scope: 'worker' },
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
