import type { KV } from '@nats-io/kv';
import type { BrowserContextOptions, Page } from '@playwright/test';
import { expect, test, uniqueKey } from './fixtures';
import {
  freezeLiveChannel,
  conflictBanner,
  descriptionField,
  expectSql,
  keepScreenshot,
  openEditor,
  putPipe,
  replaceSql,
  save,
  saveButton,
  stored,
  storedAfter,
  unsavedBadge,
} from './editor-page';

// Two admins on one pipe: A has unsaved edits when B saves; A keeps the edits, sees
// that a newer version exists with a diff, and takes theirs, keeps mine, or merges. Every save
// is compare-and-set, so nothing is ever overwritten unknowingly. KV is read back raw.

// Two browsers per test: give them room on a busy machine.
test.describe.configure({ timeout: 60_000 });

type Conflict = {
  key: string;
  a: Page;
  original: { sql: string; description: string };
  mine: string;
  theirsSql: string;
  theirs: Awaited<ReturnType<typeof stored>>;
};

/**
 * A edits the description (unsaved); B, in another browser, replaces the SQL and saves through
 * the UI. Returns once A shows the banner for B's revision, with A's edits intact.
 */
async function conflictOnOpenPipe(
  kv: KV,
  newAdminPage: (o?: BrowserContextOptions) => Promise<Page>,
  colorScheme: 'light' | 'dark',
): Promise<Conflict> {
  const key = uniqueKey('conflict');
  const original = { sql: `SELECT count() AS n FROM events -- ${key}`, description: 'Events counted' };
  const revision = await putPipe(kv, key, original);
  const [a, b] = await Promise.all([newAdminPage({ colorScheme }), newAdminPage()]);
  await Promise.all([openEditor(a, key, original.sql), openEditor(b, key, original.sql)]);

  const mine = 'Events counted, described by admin A';
  await descriptionField(a).fill(mine);
  await expect(unsavedBadge(a)).toBeVisible();

  const theirsSql = `SELECT uniq(device) AS n FROM events -- ${key} by admin B`;
  await replaceSql(b, theirsSql);
  await save(b);
  const theirs = await storedAfter(kv, key, revision);
  expect(theirs.value).toEqual({ name: key, sql: theirsSql, description: original.description });

  const banner = conflictBanner(a);
  await expect(banner).toBeVisible({ timeout: 10_000 });
  await expect(banner.getByRole('heading')).toContainText(`A newer version (revision ${theirs.revision}) exists`);
  // B wrote through the console, so the change carries B's name.
  await expect(banner.getByRole('heading')).toContainText('saved by admin token');
  // The diff: what B changed since A's edits started (the SQL, line by line), not A's own edit.
  await expect(banner.getByText('sql', { exact: true })).toBeVisible();
  await expect(banner).toContainText(theirsSql);
  await expect(banner).toContainText(original.sql);
  await expect(banner.getByText('description', { exact: true })).toHaveCount(0);
  // A's edits are untouched, on top of the version they started from.
  await expect(descriptionField(a)).toHaveValue(mine);
  await expectSql(a, original.sql);
  await expect(unsavedBadge(a)).toBeVisible();
  return { key, a, original, mine, theirsSql, theirs };
}

test('Take theirs drops my unsaved edits for the newer version and writes nothing to KV', async ({ kv, newAdminPage }, testInfo) => {
  const { key, a, original, theirsSql, theirs } = await conflictOnOpenPipe(kv, newAdminPage, 'light');
  await keepScreenshot(conflictBanner(a), testInfo, 'conflict-banner-light');
  await keepScreenshot(a, testInfo, 'conflict-page-light');

  await conflictBanner(a).getByRole('button', { name: 'Take theirs' }).click();

  await expect(conflictBanner(a)).toHaveCount(0);
  await expectSql(a, theirsSql);
  await expect(descriptionField(a)).toHaveValue(original.description);
  await expect(unsavedBadge(a)).toHaveCount(0);
  await expect(a.getByText(`revision ${theirs.revision}`, { exact: true })).toBeVisible();
  await expect(saveButton(a)).toBeDisabled();
  const after = await stored(kv, key);
  expect(after.revision).toBe(theirs.revision);
  expect(after.raw).toBe(theirs.raw);
});

test('Keep mine saves my version over the newer revision knowingly: KV has my description and not their SQL', async ({
  kv,
  newAdminPage,
}, testInfo) => {
  const { key, a, original, mine, theirs } = await conflictOnOpenPipe(kv, newAdminPage, 'dark');
  await keepScreenshot(conflictBanner(a), testInfo, 'conflict-banner-dark');
  await keepScreenshot(a, testInfo, 'conflict-page-dark');

  await conflictBanner(a).getByRole('button', { name: 'Keep mine' }).click();

  const saved = await storedAfter(kv, key, theirs.revision);
  expect(saved.value).toEqual({ name: key, sql: original.sql, description: mine });
  await expect(conflictBanner(a)).toHaveCount(0);
  await expect(unsavedBadge(a)).toHaveCount(0);
  await expect(a.getByText(`revision ${saved.revision}`, { exact: true })).toBeVisible();
  await expectSql(a, original.sql);
  await expect(descriptionField(a)).toHaveValue(mine);
});

test('Merge combines non-overlapping edits; after Save KV has my description and their SQL', async ({ kv, newAdminPage }, testInfo) => {
  const { key, a, mine, theirsSql, theirs } = await conflictOnOpenPipe(kv, newAdminPage, 'light');

  await conflictBanner(a).getByRole('button', { name: 'Merge' }).click();

  // The merge is new unsaved text on top of theirs, for me to check before saving.
  await expect(conflictBanner(a)).toHaveCount(0);
  await expect(a.getByRole('alert').filter({ hasText: 'Merged with conflicts' })).toHaveCount(0);
  await expectSql(a, theirsSql);
  await expect(descriptionField(a)).toHaveValue(mine);
  await expect(unsavedBadge(a)).toBeVisible();
  expect((await stored(kv, key)).revision, 'Merge alone writes nothing').toBe(theirs.revision);
  await keepScreenshot(a, testInfo, 'after-merge-light');

  await save(a);

  const saved = await storedAfter(kv, key, theirs.revision);
  expect(saved.value).toEqual({ name: key, sql: theirsSql, description: mine });
  await expect(unsavedBadge(a)).toHaveCount(0);
  await expect(a.getByText(`revision ${saved.revision}`, { exact: true })).toBeVisible();
});

test('a Save from a stale view is refused with 412, KV keeps the other write, and the newer version is offered', async ({
  page,
  kv,
}, testInfo) => {
  const key = uniqueKey('stale_save');
  const original = { sql: `SELECT max(ts) FROM events -- ${key}`, description: 'Last event' };
  const revision = await putPipe(kv, key, original);

  // The external write below never reaches the page, so only the compare-and-set on Save can catch it.
  await freezeLiveChannel(page);
  await page.goto(`/pipes/${key}`);
  await expect(page.getByRole('heading', { name: key, exact: true })).toBeVisible({ timeout: 15_000 });
  await expectSql(page, original.sql);

  const mine = 'Last event, my unsaved wording';
  await descriptionField(page).fill(mine);
  const theirsSql = `SELECT max(ts) AS last FROM events -- ${key} external`;
  const theirs = await putPipe(kv, key, { sql: theirsSql, description: original.description });
  // The frozen page has not heard of it.
  await expect(conflictBanner(page)).toHaveCount(0);

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/pipes/${key}`) && r.request().method() === 'PUT');
  await save(page);
  const response = await answer;
  expect(response.request().headers()['if-match']).toBe(`"${revision}"`);
  expect(response.status()).toBe(412);

  const banner = conflictBanner(page);
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('heading')).toContainText(
    `A newer version (revision ${theirs}) exists, saved by another writer (external)`,
  );
  await expect(banner).toContainText(theirsSql);
  await expect(page.getByRole('alert').filter({ hasText: 'Someone else changed this pipe first. Nothing was overwritten.' })).toBeVisible();
  await expect(descriptionField(page)).toHaveValue(mine);
  await expect(unsavedBadge(page)).toBeVisible();
  const after = await stored(kv, key);
  expect(after.revision, 'the external write was not overwritten').toBe(theirs);
  expect(after.value).toEqual({ name: key, sql: theirsSql, description: original.description });
  await keepScreenshot(page, testInfo, 'stale-save-412');

  // The banner the 412 brought works like the live one: merge, save, both changes are kept.
  await banner.getByRole('button', { name: 'Merge' }).click();
  await save(page);
  const merged = await storedAfter(kv, key, theirs);
  expect(merged.value).toEqual({ name: key, sql: theirsSql, description: mine });
});
