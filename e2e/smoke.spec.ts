import type { Page } from '@playwright/test';
import { expect, test, uniqueKey } from './fixtures';

/** The list's summary ("3 pipes · revision 7"), shown once the list has loaded. */
const listLoaded = (page: Page) => page.getByText(/\d+ pipes · revision \d+/).first();
/** A pipe's row, by the `data-key` every row carries. */
const rowOf = (page: Page, key: string) => page.locator(`[data-key="${key}"]`);

/** How long a change may take to reach an open page: watch, cache and live channel. */
const LIVE_DEADLINE = 10_000;

/** Counts the page's own navigations: a row that arrives after one came from a fresh render, not the live channel. */
function countNavigations(page: Page): () => number {
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  return () => navigations;
}

test('a pipe put straight into KV appears on the open list page', async ({ page, kv }, testInfo) => {
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
  const navigations = countNavigations(page);

  await kv.put(key, JSON.stringify(pipe));

  await expect(row).toBeVisible({ timeout: LIVE_DEADLINE });
  expect(navigations()).toBe(0);
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
  // On the open page, in its first render or over the live channel. Both puts were seen once the
  // later one is (revisions are applied in order).
  await expect(goodRow).toBeVisible({ timeout: LIVE_DEADLINE });

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
