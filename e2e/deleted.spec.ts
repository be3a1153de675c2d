import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN, e2eEnv } from './env';
import { expect, test, uniqueKey } from './fixtures';
import { keepScreenshot, putPipe, stored } from './editor-page';

// The deleted pipes page against the real console and its change archive: a pipe put straight
// into KV, then deleted through the API with a note as the admin token. KV is read back raw.

const asAdmin = () => ({ Authorization: `Bearer ${e2eEnv(E2E_ADMIN_TOKEN)}` });
const rowOf = (page: Page, key: string) => page.getByRole('list', { name: 'Deleted pipes' }).locator(`li[data-key="${key}"]`);

/** Puts a pipe into KV and deletes it through the API with `note`; returns the last value's revision. */
async function putThenDelete(request: APIRequestContext, kv: Parameters<typeof putPipe>[0], key: string, note: string): Promise<number> {
  const revision = await putPipe(kv, key, {
    sql: `SELECT count() FROM events -- ${key}`,
    description: 'to be deleted',
    resolved_tables: ['events'],
  });
  const res = await request.delete(`/api/pipes/${key}`, {
    headers: { ...asAdmin(), 'If-Match': `"${revision}"`, 'X-Change-Note': encodeURIComponent(note) },
  });
  expect(res.status(), await res.text()).toBe(204);
  // The archive records the note in the background, milliseconds after the delete answered.
  await expect
    .poll(
      async () => {
        const list = (await (await request.get('/api/deleted', { headers: asAdmin() })).json()) as {
          deleted: { key: string; note?: string }[];
        };
        return list.deleted.find((d) => d.key === key)?.note;
      },
      { timeout: 10_000, message: 'the deletion is listed with its note' },
    )
    .toBe(note);
  return revision;
}

async function openDeleted(page: Page): Promise<void> {
  await page.goto('/deleted');
  await expect(page.getByRole('heading', { name: 'Deleted pipes' })).toBeVisible();
}

test('a pipe deleted through the API with a note is listed with who deleted it, why, and its last SQL', async ({
  page,
  kv,
  request,
}, testInfo) => {
  const key = uniqueKey('deleted_listed');
  const note = `retired: replaced by ${key}_v2`;
  const lastRevision = await putThenDelete(request, kv, key, note);

  await openDeleted(page);
  const row = rowOf(page, key);
  await expect(row).toContainText('DEL');
  await expect(row).toContainText('by admin token');
  await expect(row.locator('q')).toHaveText(note);
  const sql = row.getByLabel(`SQL of ${key}`);
  await expect(sql, 'collapsed at first').toBeHidden();
  await row.getByText(`Last value (revision ${lastRevision})`).click();
  await expect(sql).toHaveText(`SELECT count() FROM events -- ${key}`);
  await keepScreenshot(page, testInfo, 'deleted-pipes');
});

test("Restore writes the deleted pipe's last value back to KV, unknown fields included", async ({ page, kv, request }) => {
  const key = uniqueKey('deleted_restored');
  await putThenDelete(request, kv, key, 'cleanup');

  await openDeleted(page);
  const row = rowOf(page, key);
  await row.getByRole('button', { name: 'Restore' }).click();
  await expect(row.getByRole('status')).toContainText('Restored as revision');
  await expect(row.getByRole('link', { name: `Open ${key} in the editor` })).toHaveAttribute('href', `/pipes/${key}`);

  const now = await stored(kv, key);
  expect(now.operation).toBe('PUT');
  expect(now.value).toEqual({
    name: key,
    sql: `SELECT count() FROM events -- ${key}`,
    description: 'to be deleted',
    resolved_tables: ['events'],
  });
});

test('Restore of a pipe someone created again meanwhile says so and writes nothing', async ({ page, kv, request }) => {
  const key = uniqueKey('deleted_recreated');
  await putThenDelete(request, kv, key, 'gone for now');
  await openDeleted(page);
  const row = rowOf(page, key);
  await expect(row.getByRole('button', { name: 'Restore' })).toBeVisible();

  const recreated = await putPipe(kv, key, { sql: 'SELECT 42 -- written by someone else' });
  await row.getByRole('button', { name: 'Restore' }).click();

  await expect(row.getByRole('alert')).toHaveText(
    new RegExp(`^${key} was created again by someone else meanwhile; nothing was written\\.`),
  );
  const now = await stored(kv, key);
  expect(now.revision, 'nothing written over it').toBe(recreated);
  expect(now.value?.sql).toBe('SELECT 42 -- written by someone else');
});
