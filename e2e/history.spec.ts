import type { KV } from '@nats-io/kv';
import type { Page } from '@playwright/test';
import { expect, test, uniqueKey } from './fixtures';
import {
  freezeLiveChannel,
  conflictBanner,
  descriptionField,
  editorNotice,
  expectSql,
  historyPanel,
  historyRow,
  listedRevisions,
  openEditor,
  openHistory,
  putPipe,
  replaceSql,
  save,
  saveButton,
  saveDialog,
  stored,
  storedAfter,
  unsavedBadge,
} from './editor-page';

// The editor's History panel against the real console, its change archive and the bucket: every
// revision the archive kept (more than the bucket's own history), diffs between any two, a revert
// written as a new revision, and the note and actor of a save. KV is read back raw.

const sqlOf = (key: string, i: number) => `SELECT ${i} AS step FROM events -- ${key} version ${i}`;

/**
 * A pipe put five times straight into KV, each put seen by the open editor before the next (so
 * the console has seen every revision, as it would over time). Returns the revisions, oldest first.
 */
async function fiveExternalVersions(page: Page, kv: KV, key: string): Promise<number[]> {
  const revisions = [await putPipe(kv, key, { sql: sqlOf(key, 1), description: 'five versions' })];
  await openEditor(page, key, sqlOf(key, 1));
  for (let i = 2; i <= 5; i++) {
    revisions.push(await putPipe(kv, key, { sql: sqlOf(key, i), description: 'five versions' }));
    await expectSql(page, sqlOf(key, i));
  }
  return revisions;
}

/** What the bucket itself still holds of a key: its revisions, oldest first. */
async function bucketRevisions(kv: KV, key: string): Promise<number[]> {
  const revisions: number[] = [];
  for await (const entry of await kv.history({ key })) revisions.push(entry.revision);
  return revisions;
}

test('the History panel lists all five revisions of a pipe whose bucket keeps three, the two oldest marked "archive only"', async ({
  page,
  kv,
}) => {
  expect((await kv.status()).history, 'the bucket keeps three revisions per key').toBe(3);
  const key = uniqueKey('history_five');
  const revisions = await fiveExternalVersions(page, kv, key);
  expect(await bucketRevisions(kv, key), 'the bucket itself dropped the two oldest').toEqual(revisions.slice(2));

  await openHistory(page);

  await expect.poll(() => listedRevisions(page), { message: 'all five, newest first' }).toEqual([...revisions].reverse());
  for (const revision of revisions.slice(0, 2)) await expect(historyRow(page, revision)).toContainText('archive only');
  for (const revision of revisions.slice(2)) await expect(historyRow(page, revision)).not.toContainText('archive only');
  for (const revision of revisions) {
    await expect(historyRow(page, revision)).toContainText(`r${revision}`);
    await expect(historyRow(page, revision).getByTestId('actor')).toHaveText('external');
  }
});

test('ticking two revisions in the History panel shows the SQL line diff between them', async ({ page, kv }) => {
  const key = uniqueKey('history_diff');
  const revisions = await fiveExternalVersions(page, kv, key);
  const [first, , , fourth] = revisions as [number, number, number, number, number];
  const panel = await openHistory(page);

  // Ticked newer first: the diff still reads from the older to the newer.
  await historyRow(page, fourth)
    .getByRole('checkbox', { name: `Compare r${fourth}` })
    .check();
  await historyRow(page, first)
    .getByRole('checkbox', { name: `Compare r${first}` })
    .check();

  const diff = panel.getByRole('region', { name: `Changes from r${first} to r${fourth}` });
  await expect(diff).toBeVisible();
  await expect(diff.getByText('sql', { exact: true })).toBeVisible();
  await expect(diff.getByText(`removed: ${sqlOf(key, 1)}`)).toBeVisible();
  await expect(diff.getByText(`added: ${sqlOf(key, 4)}`)).toBeVisible();
  await expect(diff.getByText('description', { exact: true })).toHaveCount(0);
});

test('Open shows a revision read-only: its SQL and fields as text, nothing to edit', async ({ page, kv }) => {
  const key = uniqueKey('history_open');
  const revisions = await fiveExternalVersions(page, kv, key);
  const [first] = revisions as [number];
  await openHistory(page);

  await historyRow(page, first)
    .getByRole('button', { name: `Open r${first}` })
    .click();

  const view = historyRow(page, first).getByRole('region', { name: `Revision r${first}` });
  await expect(view).toContainText(sqlOf(key, 1));
  await expect(view).toContainText('five versions');
  await expect(view.locator('input, textarea, select, [contenteditable="true"]')).toHaveCount(0);
});

test('Load older pages back with ?before=<next> until every revision is listed', async ({ page, kv }) => {
  const key = uniqueKey('history_pages');
  const revisions = await fiveExternalVersions(page, kv, key);
  // Pages of two, so five revisions take three pages; each page's cursor is noted.
  const pages: { before: string | null; next: string | null }[] = [];
  await page.route(`**/api/pipes/${key}/history**`, async (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('limit', '2');
    const response = await route.fetch({ url: url.href });
    const body = (await response.json()) as { next: string | null };
    pages.push({ before: url.searchParams.get('before'), next: body.next });
    await route.fulfill({ response });
  });
  await openHistory(page);
  const newestFirst = [...revisions].reverse();
  await expect.poll(() => listedRevisions(page)).toEqual(newestFirst.slice(0, 2));

  const loadOlder = historyPanel(page).getByRole('button', { name: 'Load older' });
  await loadOlder.click();
  await expect.poll(() => listedRevisions(page)).toEqual(newestFirst.slice(0, 4));
  await loadOlder.click();
  await expect.poll(() => listedRevisions(page)).toEqual(newestFirst);
  await expect(loadOlder).toHaveCount(0);
  expect(
    pages.map((p) => p.before),
    'the newest page without a cursor, each older one with the cursor the page before gave',
  ).toEqual([null, pages[0]?.next, pages[1]?.next]);
  expect(pages[2]?.next, 'the last page says there is nothing older').toBeNull();
});

test('the open History panel lists a revision put into KV while it is open', async ({ page, kv }) => {
  const key = uniqueKey('history_live');
  const first = await putPipe(kv, key, { sql: sqlOf(key, 1) });
  await openEditor(page, key, sqlOf(key, 1));
  await openHistory(page);
  await expect.poll(() => listedRevisions(page)).toEqual([first]);

  const second = await putPipe(kv, key, { sql: sqlOf(key, 2) });

  await expect.poll(() => listedRevisions(page), { timeout: 10_000 }).toEqual([second, first]);
});

/** A pipe with three versions open in the editor at the newest, History open. */
async function threeVersionsOpen(page: Page, kv: KV, key: string): Promise<number[]> {
  const revisions: number[] = [];
  for (let i = 1; i <= 3; i++) revisions.push(await putPipe(kv, key, { sql: sqlOf(key, i), description: `version ${i}` }));
  await openEditor(page, key, sqlOf(key, 3));
  await openHistory(page);
  await expect.poll(() => listedRevisions(page)).toEqual([...revisions].reverse());
  return revisions;
}

test('Revert to revision N puts that revision’s value back into KV as a new, higher revision, compare-and-set, noted "revert to rN"', async ({
  page,
  kv,
}) => {
  const key = uniqueKey('history_revert');
  const [first, , third] = (await threeVersionsOpen(page, kv, key)) as [number, number, number];
  expect((await stored(kv, key)).revision).toBe(third);

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/pipes/${key}`) && r.request().method() === 'PUT');
  await historyRow(page, first)
    .getByRole('button', { name: `Revert to revision ${first}` })
    .click();
  const response = await answer;
  expect(response.request().headers()['if-match']).toBe(`"${third}"`);
  expect(response.request().headers()['x-change-note']).toBe(encodeURIComponent(`revert to r${first}`));
  expect(response.status()).toBe(200);

  const reverted = await storedAfter(kv, key, third);
  expect(reverted.value).toEqual({ name: key, sql: sqlOf(key, 1), description: 'version 1' });
  expect(reverted.revision).toBeGreaterThan(third);
  // The open panel lists the revert with its note and who made it.
  await expect(historyRow(page, reverted.revision)).toContainText(`revert to r${first}`);
  await expect(historyRow(page, reverted.revision).getByTestId('actor')).toHaveText('admin token');
});

test('after a revert the editor shows the reverted value, clean, at the new revision once its change is back', async ({ page, kv }) => {
  const key = uniqueKey('history_revert_shown');
  const [first, , third] = (await threeVersionsOpen(page, kv, key)) as [number, number, number];

  await historyRow(page, first)
    .getByRole('button', { name: `Revert to revision ${first}` })
    .click();

  const reverted = await storedAfter(kv, key, third);
  await expectSql(page, sqlOf(key, 1));
  await expect(descriptionField(page)).toHaveValue('version 1');
  await expect(page.getByText(`revision ${reverted.revision}`, { exact: true })).toBeVisible();
  await expect(editorNotice(page)).toHaveText(`Saved as revision ${reverted.revision}.`);
  await expect(unsavedBadge(page)).toHaveCount(0);
});

test('a revert from a stale view is refused with 412, KV keeps the other write, and the newer-version banner is shown', async ({
  page,
  kv,
}) => {
  const key = uniqueKey('history_stale_revert');
  const first = await putPipe(kv, key, { sql: sqlOf(key, 1) });
  const second = await putPipe(kv, key, { sql: sqlOf(key, 2) });
  // The external write below never reaches the editor, so only the compare-and-set of the revert can catch it.
  await freezeLiveChannel(page);
  await page.goto(`/pipes/${key}`);
  await expect(page.getByRole('heading', { name: key, exact: true })).toBeVisible({ timeout: 15_000 });
  await expectSql(page, sqlOf(key, 2));
  const theirs = await putPipe(kv, key, { sql: sqlOf(key, 3) });
  await openHistory(page);
  await expect.poll(() => listedRevisions(page)).toEqual([theirs, second, first]);
  await expect(conflictBanner(page)).toHaveCount(0);

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/pipes/${key}`) && r.request().method() === 'PUT');
  await historyRow(page, first)
    .getByRole('button', { name: `Revert to revision ${first}` })
    .click();
  const response = await answer;
  expect(response.request().headers()['if-match']).toBe(`"${second}"`);
  expect(response.status()).toBe(412);

  const banner = conflictBanner(page);
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('heading')).toContainText(`A newer version (revision ${theirs}) exists`);
  await expect(banner).toContainText(sqlOf(key, 3));
  const after = await stored(kv, key);
  expect(after.revision, 'the external write was not overwritten').toBe(theirs);
  expect(after.value?.sql).toBe(sqlOf(key, 3));
});

test('a Save with a change note shows the note and the signed-in actor in the History panel', async ({ page, kv }) => {
  const key = uniqueKey('history_note');
  const revision = await putPipe(kv, key, { sql: sqlOf(key, 1), description: 'before' });
  await openEditor(page, key, sqlOf(key, 1));
  await descriptionField(page).fill('after');
  const note = 'Clearer wording — für die Nachtschicht ✓ 100%';

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/pipes/${key}`) && r.request().method() === 'PUT');
  await save(page, note);
  expect((await answer).request().headers()['x-change-note']).toBe(encodeURIComponent(note));
  const saved = await storedAfter(kv, key, revision);
  await expect(editorNotice(page)).toHaveText(`Saved as revision ${saved.revision}.`);

  await openHistory(page);
  const row = historyRow(page, saved.revision);
  await expect(row).toContainText(note);
  await expect(row.getByTestId('actor')).toHaveText('admin token');
  await expect(historyRow(page, revision).getByTestId('actor')).toHaveText('external');
});

test('Cancel in the change-note dialog writes nothing and keeps the edits', async ({ page, kv }) => {
  const key = uniqueKey('note_cancel');
  const revision = await putPipe(kv, key, { sql: sqlOf(key, 1) });
  await openEditor(page, key, sqlOf(key, 1));
  await descriptionField(page).fill('not yet');

  await saveButton(page).click();
  const dialog = saveDialog(page);
  await dialog.getByLabel('Change note').fill('changed my mind');
  await expect(dialog).toContainText('15/500 characters');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await expect(dialog).toBeHidden();
  await expect(unsavedBadge(page)).toBeVisible();
  await expect(descriptionField(page)).toHaveValue('not yet');
  expect((await stored(kv, key)).revision).toBe(revision);
});

test('Ctrl+S saves at once, without asking for a note', async ({ page, kv }) => {
  const key = uniqueKey('note_ctrl_s');
  const revision = await putPipe(kv, key, { sql: sqlOf(key, 1) });
  await openEditor(page, key, sqlOf(key, 1));
  await replaceSql(page, sqlOf(key, 2));

  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/pipes/${key}`) && r.request().method() === 'PUT');
  await page.keyboard.press('Control+s');
  expect((await answer).request().headers()['x-change-note']).toBeUndefined();

  const saved = await storedAfter(kv, key, revision);
  expect(saved.value?.sql).toBe(sqlOf(key, 2));
  await expect(saveDialog(page)).toBeHidden();
});
