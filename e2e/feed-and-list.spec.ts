import type { Page } from '@playwright/test';
import { expect, test, uniqueKey } from './fixtures';
import { keepScreenshot, liveBadge, nameField, putPipe, stored } from './editor-page';

// The list and the feed follow the live channel: no page.reload() in this file;
// every change comes from the raw `kv` client, as WaveHouse or the nats CLI would write it.

const rowOf = (page: Page, key: string) => page.locator(`tr[data-key="${key}"]`);
const feedRowsOf = (page: Page, key: string) => page.getByRole('list', { name: 'Changes' }).locator(`li[data-key="${key}"]`);

async function openList(page: Page): Promise<void> {
  await page.goto('/');
  await expect(liveBadge(page)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/\d+ pipes? · revision \d+/).first()).toBeVisible();
}

test('an invalid external entry is listed live with an "invalid" badge, and opening it shows the stored raw text', async ({
  page,
  kv,
}, testInfo) => {
  const badKey = uniqueKey('not_json');
  await openList(page);

  await kv.put(badKey, '{not json');

  const row = rowOf(page, badKey);
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(row.getByText(/^invalid: /)).toBeVisible();
  // The page keeps working around it: header, live badge, the count of invalid entries.
  await expect(page.getByRole('heading', { name: 'Pipes' })).toBeVisible();
  await expect(liveBadge(page)).toBeVisible();
  await expect(page.getByText(/\d+ invalid/)).toBeVisible();
  await keepScreenshot(page, testInfo, 'list-with-invalid-entry');

  await row.getByRole('link', { name: badKey }).click();
  await expect(page).toHaveURL(new RegExp(`/pipes/${badKey}$`));
  await expect(page.getByRole('heading', { name: badKey, exact: true })).toBeVisible();
  await expect(page.getByText('stored value invalid', { exact: true })).toBeVisible();
  await expect(page.locator('pre').filter({ hasText: /^\{not json$/ })).toBeVisible();
  await expect(nameField(page)).toHaveValue(badKey);
  // Opening it wrote nothing.
  expect((await stored(kv, badKey)).raw).toBe('{not json');
});

test('the list marks external changes live (new, changed, deleted) and search filters by SQL text', async ({ page, kv }) => {
  const token = uniqueKey('tok').toLowerCase();
  const existing = uniqueKey('list_existing');
  await putPipe(kv, existing, { sql: 'SELECT 1 FROM users', description: 'was there before the page opened' });
  await openList(page);
  await expect(rowOf(page, existing)).toBeVisible();
  await expect(rowOf(page, existing)).not.toHaveAttribute('data-mark');

  const fresh = uniqueKey('list_new');
  await putPipe(kv, fresh, { sql: `SELECT count() FROM clicks WHERE tag = '${token}'`, description: 'brand new' });
  const freshRow = rowOf(page, fresh);
  await expect(freshRow).toBeVisible({ timeout: 10_000 });
  await expect(freshRow).toHaveAttribute('data-mark', 'new');
  await expect(freshRow.getByText('new', { exact: true })).toBeVisible();

  await putPipe(kv, existing, { sql: 'SELECT 2 FROM users', description: 'changed while the page is open' });
  await expect(rowOf(page, existing)).toHaveAttribute('data-mark', 'changed', { timeout: 10_000 });
  await expect(rowOf(page, existing)).toContainText('changed while the page is open');

  // Search matches the SQL text (the token is only in the new pipe's SQL).
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill(token);
  await expect(page.locator('tr[data-key]')).toHaveCount(1);
  await expect(freshRow).toBeVisible();
  await expect(rowOf(page, existing)).toHaveCount(0);
  await search.fill('');
  await expect(rowOf(page, existing)).toBeVisible();

  await kv.delete(fresh);
  // Struck through for a moment, without its link, then gone.
  await expect(page.locator(`tr[data-deleted-key="${fresh}"]`)).toHaveAttribute('data-mark', 'deleted', { timeout: 10_000 });
  await expect(page.locator(`tr[data-deleted-key="${fresh}"]`).getByRole('link')).toHaveCount(0);
  await expect(freshRow).toHaveCount(0);
});

test('the feed lists an external put (key, PUT, revision, "external"); Pause counts new changes, Resume shows them', async ({
  page,
  kv,
}, testInfo) => {
  const key = uniqueKey('feed');
  await page.goto('/feed');
  await expect(liveBadge(page)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'Live feed' })).toBeVisible();

  const first = await putPipe(kv, key, { sql: 'SELECT 1', description: 'first' });
  const rows = feedRowsOf(page, key);
  await expect(rows).toHaveCount(1, { timeout: 10_000 });
  const row = rows.first();
  await expect(row).toHaveAttribute('data-operation', 'PUT');
  await expect(row).toHaveAttribute('data-revision', String(first));
  await expect(row.getByRole('link', { name: key })).toBeVisible();
  await expect(row).toContainText(`rev ${first}`);
  await expect(row).toContainText('external');
  await expect(row).toContainText('created');

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  const paused = page.getByRole('status').filter({ hasText: /^Paused/ });
  await expect(paused).toHaveText('Paused · 0 new changes');

  const second = await putPipe(kv, key, { sql: 'SELECT 2', description: 'second' });
  await expect(paused).toHaveText('Paused · 1 new change', { timeout: 10_000 });
  await expect(rows, 'nothing new is listed while paused').toHaveCount(1);
  await keepScreenshot(page, testInfo, 'feed-paused');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(rows).toHaveCount(2);
  const newest = rows.first();
  await expect(newest).toHaveAttribute('data-revision', String(second));
  await expect(newest).toContainText('external');
  // The diff against the previous value, on demand.
  await newest.getByRole('button', { name: 'Show diff' }).click();
  await expect(newest).toContainText('SELECT 2');
  await expect(newest).toContainText('SELECT 1');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await keepScreenshot(page, testInfo, 'feed-resumed');
});
