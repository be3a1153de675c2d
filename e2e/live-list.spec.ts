import { expect, test, uniqueKey } from './fixtures';

// The list page follows the live channel: a change made by another writer straight
// into KV shows up on an open page by itself. No page.reload() anywhere in this file.

test('an external KV put updates the open list page without reload', async ({ page, kv }) => {
  const key = uniqueKey('live_row');
  const description = `Put by another writer (${key})`;

  await page.goto('/');
  // The page's one EventSource is connected and has applied its snapshot.
  await expect(page.getByRole('status').and(page.locator('[data-connection="live"]'))).toBeVisible({ timeout: 15_000 });
  const row = page.locator(`tr[data-key="${key}"]`);
  await expect(row).toHaveCount(0);

  // Any navigation would mean the row came from a fresh render, not from the live channel.
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });

  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT count() FROM events', description }));
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(row).toContainText(key);
  await expect(row).toContainText(description);

  await kv.delete(key);
  // Gone as a live row (the list may keep it a moment struck through, without `data-key`).
  await expect(row).toHaveCount(0, { timeout: 10_000 });

  expect(navigations).toBe(0);
  await expect(page.getByRole('status').and(page.locator('[data-connection="live"]'))).toBeVisible();
});

test('the list page arrives with its first rows before the live channel has answered', async ({ page, kv }) => {
  const key = uniqueKey('first_screen');
  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1', description: `Rendered by the server (${key})` }));
  // The console's cache has it once its API does.
  await expect.poll(async () => (await page.request.get(`/api/pipes/${key}`)).status(), { timeout: 10_000 }).toBe(200);
  // The live channel never answers: whatever rows the page shows, the server rendered.
  await page.route('**/api/events*', () => {});

  await page.goto(`/?q=${key}`);
  await expect(page.locator(`tr[data-key="${key}"]`)).toContainText(`Rendered by the server (${key})`);
  await expect(page.locator('[aria-label="Loading pipes"]')).toHaveCount(0);
});

test('what is typed into the search before the page has started is kept as the search', async ({ page, kv }) => {
  const key = uniqueKey('typed_early');
  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1' }));
  await expect.poll(async () => (await page.request.get(`/api/pipes/${key}`)).status(), { timeout: 10_000 }).toBe(200);
  // The page's scripts wait until the search has been typed into the server's page.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/_next/static/**/*.js', async (route) => {
    await held;
    await route.continue();
  });

  await page.goto('/', { waitUntil: 'commit' });
  const search = page.getByPlaceholder('Search name, description, SQL');
  await search.fill(key);
  release();

  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('tr[data-key]')).toHaveCount(1);
  await expect(page.locator(`tr[data-key="${key}"]`)).toBeVisible();
  await expect(search).toHaveValue(key);
});

test('the list page fetches the whole list itself and opens its live channel from that revision', async ({ page, kv }) => {
  const key = uniqueKey('head_start');
  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1' }));
  await expect.poll(async () => (await page.request.get(`/api/pipes/${key}`)).status(), { timeout: 10_000 }).toBe(200);
  const list = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/pipes');
  const events = page.waitForRequest((req) => new URL(req.url()).pathname === '/api/events');

  await page.goto('/');
  const { revision } = (await (await list).json()) as { revision: number };
  expect(new URL((await events).url()).searchParams.get('lastEventId')).toBe(String(revision));

  // Resumed, not snapshot-less: a change after that revision still arrives.
  const later = uniqueKey('head_start_later');
  await kv.put(later, JSON.stringify({ name: later, sql: 'SELECT 2' }));
  await expect(page.locator(`tr[data-key="${later}"]`)).toBeVisible({ timeout: 10_000 });
});

test('a new search typed before the whole list is in keeps its box and waits with the rows', async ({ page, kv }) => {
  const key = uniqueKey('waiting_search');
  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1' }));
  await expect.poll(async () => (await page.request.get(`/api/pipes/${key}`)).status(), { timeout: 10_000 }).toBe(200);
  // Neither the page's own fetch of the list nor the live channel answers.
  await page.route('**/api/pipes', () => {});
  await page.route('**/api/events*', () => {});

  await page.goto('/');
  await expect(page.locator(`tr[data-key="${key}"]`)).toBeVisible();
  const search = page.getByPlaceholder('Search name, description, SQL');
  await search.fill('no such pipe');

  await expect(page.locator('[aria-label="Loading pipes"]')).toBeVisible();
  await expect(search).toHaveValue('no such pipe');
  await expect(search).toBeFocused();
  await expect(page.locator('tr[data-key]')).toHaveCount(0);
});
