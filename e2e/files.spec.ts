import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { decodePipesFile, filePipeOf } from '@/lib/files/pipes-json.mjs';
import type { Entry } from '@/lib/pipes/entry';
import { E2E_ADMIN_TOKEN, e2eEnv } from './env';
import { expect, signJwt, test, uniqueKey } from './fixtures';
import { keepScreenshot, putPipe, stored } from './editor-page';

// Export and Import on the list page, against the real console; KV is read back raw. The
// bucket is the run's, shared with the other specs (one at a time), so each test uses keys of
// its own and leaves the rest alone (no prune).

const asAdmin = () => ({ Authorization: `Bearer ${e2eEnv(E2E_ADMIN_TOKEN)}` });
const importDialog = (page: Page) => page.getByRole('dialog', { name: 'Import pipes' });

/** The list page once the live channel shows `key` (so the console's cache holds it). */
async function openListWith(page: Page, key: string): Promise<void> {
  await page.goto(`/?q=${encodeURIComponent(key)}`);
  await expect(page.locator(`tr[data-key="${key}"]`)).toBeVisible({ timeout: 10_000 });
}

test('Export downloads a valid pipes.json holding every valid pipe of the bucket', async ({ page, kv, request }) => {
  const key = uniqueKey('export_valid');
  const invalid = uniqueKey('export_invalid');
  await putPipe(kv, key, { sql: 'SELECT 1', description: 'exported', resolved_tables: ['events'] });
  await kv.put(invalid, '{"name": "not JSON');
  await openListWith(page, key);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('group', { name: 'Export' }).getByRole('link', { name: 'pipes.json' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('pipes.json');
  const decoded = decodePipesFile(readFileSync(await download.path()));
  expect(decoded.findings).toEqual([]);

  // What the bucket holds, read raw; which entries are invalid, as the console judged them.
  const listed = (await (await request.get('/api/pipes', { headers: asAdmin() })).json()) as { pipes: Entry[] };
  const invalidKeys = new Set(listed.pipes.filter((e) => e.invalid).map((e) => e.key));
  expect(invalidKeys).toContain(invalid);
  const expected = [];
  for await (const k of await kv.keys()) {
    if (invalidKeys.has(k)) continue;
    const entry = await kv.get(k);
    if (entry?.operation === 'PUT') expected.push(filePipeOf(k, entry.json() as Record<string, unknown>));
  }
  expected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  expect(decoded.pipes).toEqual(expected);
  expect(decoded.pipes?.find((p) => p.name === key)).toEqual({ name: key, sql: 'SELECT 1', description: 'exported' });
});

test('Import shows the plan and applies it with the note', async ({ page, kv, request }, testInfo) => {
  const updated = uniqueKey('import_updated');
  const created = uniqueKey('import_created');
  const revision = await putPipe(kv, updated, { sql: 'SELECT 1\nFROM events', resolved_tables: ['events'] });
  await openListWith(page, updated);

  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = importDialog(page);
  await expect(dialog).toBeVisible();
  const pipes = [
    { name: updated, sql: 'SELECT 2\nFROM events', description: 'imported' },
    { name: created, sql: 'SELECT 3' },
  ];
  await dialog.getByLabel('Files', { exact: true }).setInputFiles({
    name: 'pipes.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ pipes }, null, 2)),
  });

  await expect(dialog.getByTestId('plan-counts')).toHaveText(/^1 to create, 1 to update, 0 to delete, \d+ unchanged$/);
  const update = dialog.locator(`li[data-name="${updated}"][data-op="update"]`);
  await expect(update).toContainText(`If-Match: "${revision}"`);
  await expect(update).toContainText('removed: SELECT 1');
  await expect(update).toContainText('SELECT 2');
  await expect(update).toContainText('description');
  await expect(dialog.locator(`li[data-name="${created}"][data-op="create"]`)).toContainText('If-None-Match: *');
  expect((await stored(kv, updated)).revision, 'the plan wrote nothing').toBe(revision);
  await keepScreenshot(page, testInfo, 'import-plan');

  await dialog.getByLabel('Change note').fill('e2e import');
  await dialog.getByRole('button', { name: 'Apply 2 writes' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Applied:' })).toHaveText('Applied: 1 created, 1 updated, 0 deleted.');
  await expect(update).toContainText('written as revision');

  expect((await stored(kv, updated)).value).toEqual({
    name: updated,
    sql: 'SELECT 2\nFROM events',
    description: 'imported',
    resolved_tables: ['events'],
  });
  expect((await stored(kv, created)).value).toEqual({ name: created, sql: 'SELECT 3' });
  await expect
    .poll(
      async () => {
        const body = (await (await request.get(`/api/pipes/${updated}/history`, { headers: asAdmin() })).json()) as {
          history: { note?: string; actor: string }[];
        };
        return body.history[0] && `${body.history[0].actor}: ${body.history[0].note}`;
      },
      { timeout: 10_000, message: 'the archive holds the import with its note' },
    )
    .toBe('admin token: e2e import');

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await page.goto(`/?q=${encodeURIComponent(created)}`);
  await expect(page.locator(`tr[data-key="${created}"]`)).toBeVisible();
});

test('Import names the file, the pipe and the reason of refused files, and applies nothing', async ({ page, kv }) => {
  const key = uniqueKey('import_refused');
  await page.goto('/');
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = importDialog(page);
  await dialog.getByLabel('Files', { exact: true }).setInputFiles({
    name: 'mine.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ pipes: [{ name: key, sql: '   ' }] })),
  });
  const finding = dialog.getByRole('list', { name: 'Findings' }).locator(`li[data-pipe="${key}"]`);
  await expect(finding).toContainText('mine.json');
  await expect(finding).toContainText(`pipe ${key}`);
  await expect(finding).toContainText('pipes[0].sql');
  await expect(finding).toContainText('is blank');
  await expect(dialog.getByRole('button', { name: /^Apply/ })).toHaveCount(0);
  expect((await stored(kv, key)).operation).toBe('NONE');
});

test('a viewer can export but sees no Import', async ({ newSignedInPage }) => {
  const viewer = await newSignedInPage({ token: await signJwt('vera') });
  await viewer.goto('/');
  await expect(viewer.getByRole('group', { name: 'Export' }).getByRole('link', { name: '.sql zip' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Import…' })).toHaveCount(0);
});
