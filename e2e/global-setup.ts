import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FullConfig } from '@playwright/test';
import { startConsole, type TestConsole } from '../test/support/console';
import { startTestNats } from '../test/support/nats';
import { consoleEnv, E2E_ADMIN_TOKEN, E2E_BASE_URL, E2E_JWT_SECRET, E2E_NATS_URL } from './env';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Starts a real nats-server and the console's production build against it, once per run, and
 * hands their URLs and credentials to the tests through the environment (workers inherit it).
 * The returned function is Playwright's teardown. (A second instance, for the specs that need
 * one, is a worker fixture: the others do not wait for it.)
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  await buildIfStale();
  const adminToken = randomBytes(32).toString('base64url');
  const jwtSecret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pipes-e2e-data-'));
  const nats = await startTestNats();
  let pipesConsole: TestConsole;
  try {
    pipesConsole = await startConsole(nats.url, { env: consoleEnv({ adminToken, jwtSecret, dataDir }) });
  } catch (err) {
    await nats.dispose();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  process.env[E2E_NATS_URL] = nats.url;
  process.env[E2E_BASE_URL] = pipesConsole.url;
  process.env[E2E_ADMIN_TOKEN] = adminToken;
  process.env[E2E_JWT_SECRET] = jwtSecret;

  return async () => {
    await pipesConsole.stop();
    await nats.dispose();
    rmSync(dataDir, { recursive: true, force: true });
    // The server's own log, for reading a failure after the fact.
    const outputDir = config.projects[0]?.outputDir ?? path.join(root, 'test-results');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'console.log'), pipesConsole.output());
  };
}

/** The same staleness rule as `npm start` / `npm test`: `next build` only when an input changed. */
async function buildIfStale(): Promise<void> {
  // A computed specifier: scripts/lib/build.mjs is plain JS without type declarations.
  const buildModule = pathToFileURL(path.join(root, 'scripts/lib/build.mjs')).href;
  const { buildIfStale: build } = (await import(buildModule)) as { buildIfStale: (root?: string) => Promise<boolean> };
  await build(root);
}
