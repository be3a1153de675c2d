import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test, uniqueKey } from './fixtures';

// All tabs of one browser share one live connection (components/live/tab-share.ts): the tab that
// holds the Web Lock opens the EventSource and relays events to the others over a
// BroadcastChannel. The console's /api/health counts the event streams it serves.

const live = (page: Page) => page.getByRole('status').and(page.locator('[data-connection="live"]'));

async function streams(request: APIRequestContext): Promise<number> {
  const res = await request.get('/api/health');
  return ((await res.json()) as { clients: number }).clients;
}

async function openList(page: Page): Promise<void> {
  await page.goto('/');
  await expect(live(page)).toBeVisible({ timeout: 15_000 });
}

test('three tabs share one event stream; when the leading tab closes, another takes over and no change is missed', async ({ page, kv }) => {
  const request = page.request;
  await expect.poll(() => streams(request), { message: 'no stream left open by earlier tests' }).toBe(0);

  await openList(page); // the first tab takes the lead
  const others = [await page.context().newPage(), await page.context().newPage()];
  for (const tab of others) await openList(tab);
  await expect.poll(() => streams(request)).toBe(1);

  const first = uniqueKey('shared_a');
  await kv.put(first, JSON.stringify({ name: first, sql: 'SELECT 1' }));
  for (const tab of [page, ...others]) await expect(tab.locator(`tr[data-key="${first}"]`)).toBeVisible({ timeout: 10_000 });

  // The leader goes; a change made during the hand-over still reaches the remaining tabs.
  await page.close();
  const during = uniqueKey('shared_b');
  await kv.put(during, JSON.stringify({ name: during, sql: 'SELECT 2' }));
  for (const tab of others) await expect(tab.locator(`tr[data-key="${during}"]`)).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => streams(request), { message: 'one stream: the new leader' }).toBe(1);

  const after = uniqueKey('shared_c');
  await kv.put(after, JSON.stringify({ name: after, sql: 'SELECT 3' }));
  for (const tab of others) {
    await expect(tab.locator(`tr[data-key="${after}"]`)).toBeVisible({ timeout: 10_000 });
    await expect(live(tab)).toBeVisible();
  }
});

test('a tab whose leader hangs takes the lead itself when it comes to the front', async ({ page, kv }) => {
  const request = page.request;
  await expect.poll(() => streams(request), { message: 'no stream left open by earlier tests' }).toBe(0);
  await openList(page);
  const follower = await page.context().newPage();
  await openList(follower);
  await expect.poll(() => streams(request)).toBe(1);

  // The leader runs no code for 20 s but keeps its lock, like a tab stuck in a long task (or one
  // the browser froze in the background: CDP cannot freeze a visible headless page).
  const HUNG_MS = 14_000;
  const hanging = page.waitForEvent('console', (message) => message.text() === 'hanging');
  const hung = page.evaluate((ms) => {
    console.log('hanging');
    const end = Date.now() + ms;
    while (Date.now() < end);
  }, HUNG_MS);
  await hanging; // the change below is made while the leader cannot relay it
  const key = uniqueKey('hung');
  await kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 1' }));
  // Coming to the front, the follower greets the leader; no answer within 3 s and it takes the
  // lock. Well before the hung leader could relay the change itself:
  await follower.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(follower.locator(`tr[data-key="${key}"]`)).toBeVisible({ timeout: HUNG_MS - 6_000 });
  await expect(live(follower)).toBeVisible();

  // Free again, the old leader hears of the new one and closes its own stream.
  await hung;
  await expect.poll(() => streams(request), { message: 'one stream: the new leader' }).toBe(1);
});
