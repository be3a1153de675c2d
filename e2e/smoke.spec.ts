import type { Page } from '@playwright/test';
import { expect, test, uniqueKey } from './fixtures';

/** The list's summary ("3 pipes · revision 7"), shown once the list has loaded. */
const listLoaded = (page: Page) => page.getByText(/\d+ pipes · revision \d+/).first();
/** A pipe's row, by the `data-key` every row carries. */
const rowOf = (page: Page, key: string) => page.locator(`[data-key="${key}"]`);

// Reload until the watch has brought the change into the console's cache: this holds whether the
// list is server-rendered or kept live over SSE (a test of the live update without reloading
// belongs to the live channel). No fixed sleeps.
async function reloadUntil(page: Page, assertion: () => Promise<void>, timeout = 15_000): Promise<void> {
  await expect(async () => {
    await page.reload();
    await expect(listLoaded(page)).toBeVisible();
    await assertion();
  }).toPass({ timeout, intervals: [100, 250, 500, 1_000] });
}

test('a pipe put straight into KV appears on the list page', async ({ page, kv }, testInfo) => {
  const key = uniqueKey('daily_active_devices');
  const pipe = {
    name: key,
    sql: 'SELECT toDate(ts) AS day, uniq(device) AS devices FROM events WHERE ts > now() - INTERVAL {{days:7}} DAY GROUP BY day ORDER BY day',
    parameters: [{ name: 'days', type: 'number', default: 7 }],
    description: `Distinct devices seen per day (${key})`,
  };

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Pipes' })).toBeVisible();
  await expect(listLoaded(page)).toBeVisible();
  const row = rowOf(page, key);
  await expect(row).toHaveCount(0);

  await kv.put(key, JSON.stringify(pipe));

  await reloadUntil(page, () => expect(row).toBeVisible({ timeout: 1_000 }));
  await expect(row).toContainText(key);
  await expect(row).toContainText(pipe.description);
  await expect(row.getByText(/^invalid/)).toHaveCount(0);

  await saveListScreenshot(page, testInfo.outputPath('pipe-list.png'));
});

test('an invalid external entry is shown as invalid and the page still renders', async ({ page, kv }, testInfo) => {
  const badKey = uniqueKey('broken');
  const goodKey = uniqueKey('still_fine');
  await kv.put(badKey, '{not json');
  await kv.put(goodKey, JSON.stringify({ name: goodKey, sql: 'SELECT 1', description: 'A valid neighbour' }));

  await page.goto('/');
  const badRow = rowOf(page, badKey);
  const goodRow = rowOf(page, goodKey);
  // Both puts were seen once the later one is (revisions are applied in order).
  await reloadUntil(page, () => expect(goodRow).toBeVisible({ timeout: 1_000 }));

  await expect(page.getByRole('heading', { name: 'Pipes' })).toBeVisible();
  await expect(badRow).toBeVisible();
  await expect(badRow.getByText(/^invalid: invalid JSON/)).toBeVisible();
  await expect(goodRow).toContainText('A valid neighbour');

  await saveListScreenshot(page, testInfo.outputPath('pipe-list-with-invalid.png'));
});

async function saveListScreenshot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: file, fullPage: true });
  await test.info().attach('pipe list', { path: file, contentType: 'image/png' });
}
