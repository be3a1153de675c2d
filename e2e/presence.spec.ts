import type { KV } from '@nats-io/kv';
import type { Locator, Page } from '@playwright/test';
import { descriptionField, unsavedBadge } from './editor-page';
import { E2E_PRESENCE_INTERVAL_MS } from './env';
import { expect, signJwt, test, uniqueKey } from './fixtures';

// Presence across two console instances on one bucket: the admin (the admin token) on the run's
// console, ana (a JWT without a role claim: a viewer) or bob (a JWT with the admin role) on a
// second instance. Each tab reports the pipe it shows; each instance tells its browsers about
// everyone's.

/** The editor's lines about the other users on the pipe. */
const presenceRegion = (page: Page): Locator => page.getByRole('region', { name: 'Presence' });
const presenceLine = (page: Page, text: string): Locator => presenceRegion(page).getByText(text, { exact: true });
/** The badge of one user on a list row, by what it says ("ana (viewer) is viewing"). */
const rowBadge = (page: Page, key: string, label: string): Locator =>
  page.locator(`tr[data-key="${key}"]`).getByRole('img', { name: label, exact: true });

/**
 * A tab that says goodbye is gone from everyone's view at once; one that falls silent only after
 * three heartbeat intervals. Within this, it was the goodbye.
 */
const GOODBYE_MS = 1.5 * E2E_PRESENCE_INTERVAL_MS;

async function newPipe(kv: KV): Promise<string> {
  const key = uniqueKey('presence');
  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1' }));
  return key;
}

async function openEditor(page: Page, key: string): Promise<void> {
  await page.goto(`/pipes/${encodeURIComponent(key)}`);
  await expect(descriptionField(page)).toBeVisible({ timeout: 15_000 });
}

async function openList(page: Page, key: string): Promise<void> {
  await page.goto(`/?q=${encodeURIComponent(key)}`);
  await expect(page.locator(`tr[data-key="${key}"]`)).toBeVisible({ timeout: 15_000 });
}

test('the list row shows, by initials, name and role, a user who has the pipe open on another instance', async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  const ana = await newSignedInPage({ token: await signJwt('ana'), baseURL: secondConsole.url });
  await openEditor(ana, key);

  await openList(page, key);
  const badge = rowBadge(page, key, 'ana (viewer) is viewing');
  await expect(badge).toHaveText('A');
  await expect(badge).toHaveAttribute('title', 'ana (viewer) is viewing');
});

test('in the editor of a pipe both have open, each user sees the other and not themselves', async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  const ana = await newSignedInPage({ token: await signJwt('ana'), baseURL: secondConsole.url });
  await openEditor(ana, key);
  await openEditor(page, key);

  await expect(presenceLine(page, 'ana (viewer) is viewing')).toBeVisible();
  await expect(presenceLine(ana, 'admin token (admin) is viewing')).toBeVisible();
  await expect(presenceRegion(page)).not.toContainText('admin token');
  await expect(presenceRegion(ana)).not.toContainText('ana (viewer)');
});

test("typing in one instance's editor shows the user as editing in the other's editor", async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  const ana = await newSignedInPage({ token: await signJwt('ana'), baseURL: secondConsole.url });
  await openEditor(ana, key);
  await openEditor(page, key);
  await expect(presenceLine(ana, 'admin token (admin) is viewing')).toBeVisible();

  await descriptionField(page).fill('being edited');
  await expect(unsavedBadge(page)).toBeVisible();
  await expect(presenceLine(ana, 'admin token (admin) is editing')).toBeVisible();
});

test('a user with unsaved edits shows with a pencil on the list row on the other instance', async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  await openEditor(page, key);
  await descriptionField(page).fill('being edited');
  await expect(unsavedBadge(page)).toBeVisible();

  const ana = await newSignedInPage({ token: await signJwt('ana'), baseURL: secondConsole.url });
  await openList(ana, key);
  const badge = rowBadge(ana, key, 'admin token (admin) is editing');
  await expect(badge).toHaveText('AT✎');
  await expect(badge).toHaveAttribute('title', 'admin token (admin) is editing');
});

test("a user who closes the pipe's page is gone from the other's editor at once, by the page's goodbye", async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  const ana = await newSignedInPage({ token: await signJwt('ana'), baseURL: secondConsole.url });
  await openEditor(ana, key);
  await openEditor(page, key);
  await expect(presenceLine(page, 'ana (viewer) is viewing')).toBeVisible();

  await ana.close(); // pagehide: the page's beacon says goodbye
  await expect(presenceLine(page, 'ana (viewer) is viewing')).toHaveCount(0, { timeout: GOODBYE_MS });
});

test("a user who goes from the pipe to the list is gone from the other's editor at once", async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  const ana = await newSignedInPage({ token: await signJwt('ana'), baseURL: secondConsole.url });
  await openEditor(ana, key);
  await openEditor(page, key);
  await expect(presenceLine(page, 'ana (viewer) is viewing')).toBeVisible();

  await ana.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipes', exact: true }).click();
  await expect(ana.getByRole('searchbox')).toBeVisible();
  await expect(presenceLine(page, 'ana (viewer) is viewing')).toHaveCount(0, { timeout: GOODBYE_MS });
});

test('a user with unsaved edits is told when another user starts editing the same pipe', async ({
  page,
  kv,
  newSignedInPage,
  secondConsole,
}) => {
  const key = await newPipe(kv);
  const bob = await newSignedInPage({ token: await signJwt('bob', { role: 'admin' }), baseURL: secondConsole.url });
  await openEditor(bob, key);
  await openEditor(page, key);
  await descriptionField(page).fill('mine');
  await expect(unsavedBadge(page)).toBeVisible();
  await expect(presenceLine(page, 'bob (admin) is viewing')).toBeVisible();

  await descriptionField(bob).fill('theirs');
  await expect(presenceRegion(page).getByRole('status')).toHaveText('bob started editing this pipe');
});
