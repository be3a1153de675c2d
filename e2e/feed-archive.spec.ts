import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN, e2eEnv } from './env';
import { expect, test, uniqueKey } from './fixtures';
import { keepScreenshot, liveBadge, putPipe } from './editor-page';

// The feed opens with the change archive's latest changes and goes on live. Changes are made
// through the console's API (with a note, as the admin token) and straight into KV (external).

const feedRowsOf = (page: Page, key: string) => page.getByRole('list', { name: 'Changes' }).locator(`li[data-key="${key}"]`);
const asAdmin = () => ({ Authorization: `Bearer ${e2eEnv(E2E_ADMIN_TOKEN)}` });

async function openFeed(page: Page): Promise<void> {
  await page.goto('/feed');
  await expect(liveBadge(page)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'Live feed' })).toBeVisible();
}

/** The revision the archive's newest change is at (it records in the background, milliseconds behind). */
async function archiveNewest(request: APIRequestContext): Promise<number | undefined> {
  const res = await request.get('/api/changes?limit=1', { headers: asAdmin() });
  expect(res.status()).toBe(200);
  const { changes } = (await res.json()) as { changes: { revision: number }[] };
  return changes[0]?.revision;
}

test('after a reload the feed still lists the earlier changes: the console write with its actor and note, the KV write as "external"', async ({
  page,
  kv,
  request,
}, testInfo) => {
  const apiKey = uniqueKey('archived_api');
  const kvKey = uniqueKey('archived_kv');
  const note = `first cut of ${apiKey} — “reviewed”`;
  await openFeed(page);

  const res = await request.put(`/api/pipes/${apiKey}`, {
    headers: { ...asAdmin(), 'If-None-Match': '*', 'X-Change-Note': encodeURIComponent(note) },
    data: { name: apiKey, sql: 'SELECT 1' },
  });
  expect(res.status(), await res.text()).toBe(200);
  const apiRevision = ((await res.json()) as { revision: number }).revision;
  const kvRevision = await putPipe(kv, kvKey, { sql: 'SELECT 2' });
  // Both seen live first: what the reload must not lose.
  await expect(feedRowsOf(page, kvKey)).toHaveCount(1, { timeout: 10_000 });
  await expect(feedRowsOf(page, apiKey)).toHaveCount(1);

  await page.reload();
  await expect(liveBadge(page)).toBeVisible({ timeout: 15_000 });

  const apiRow = feedRowsOf(page, apiKey);
  await expect(apiRow).toHaveAttribute('data-revision', String(apiRevision), { timeout: 10_000 });
  await expect(apiRow).toContainText('by admin token');
  await expect(apiRow.locator('q')).toHaveText(note);
  const kvRow = feedRowsOf(page, kvKey);
  await expect(kvRow).toHaveAttribute('data-revision', String(kvRevision));
  await expect(kvRow).toContainText('external');
  await expect(kvRow.locator('q'), 'a KV write carries no note').toHaveCount(0);
  await keepScreenshot(page, testInfo, 'feed-after-reload');
});

test('"Load older" lists a change older than the latest 100', async ({ page, kv, request }) => {
  const oldKey = uniqueKey('older_than_100');
  const oldRevision = await putPipe(kv, oldKey, { sql: 'SELECT 0' });
  const busyKey = uniqueKey('busy');
  let last = 0;
  for (let i = 1; i <= 100; i++) last = await putPipe(kv, busyKey, { sql: `SELECT ${i}` });
  // So that the feed's first page is exactly those 100, not an archive a few records behind.
  await expect.poll(() => archiveNewest(request), { timeout: 10_000, message: 'the archive holds the last put' }).toBe(last);

  await openFeed(page);
  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(changes.locator(`li[data-revision="${last}"]`)).toBeVisible({ timeout: 10_000 });
  await expect(changes.locator('li')).toHaveCount(100);
  await expect(feedRowsOf(page, oldKey)).toHaveCount(0);

  await page.getByRole('button', { name: 'Load older' }).click();
  await expect(feedRowsOf(page, oldKey)).toHaveAttribute('data-revision', String(oldRevision), { timeout: 10_000 });
  await expect(changes.locator('li[data-revision]')).not.toHaveCount(100);
});
