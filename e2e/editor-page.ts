// What the editor and list specs share: locators by accessible name, typing into CodeMirror,
// and the KV reads that say what a test really left in the bucket.
import type { KV } from '@nats-io/kv';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect } from './fixtures';

/** A pipe as WaveHouse stores it. */
export type StoredPipe = {
  name: string;
  sql: string;
  description?: string;
  parameters?: Array<{ name: string; type: string; required?: boolean; default?: unknown }>;
  allowed_roles?: string[];
  [field: string]: unknown;
};

/** The header's connection badge once the tab's EventSource has applied its snapshot. */
export const liveBadge = (page: Page): Locator => page.locator('[role="status"][data-connection="live"]');

/** CodeMirror's contenteditable, labelled "SQL". */
export const sqlBox = (page: Page): Locator => page.getByRole('textbox', { name: 'SQL' });
export const nameField = (page: Page): Locator => page.getByLabel('Name', { exact: true });
export const descriptionField = (page: Page): Locator => page.getByLabel('Description', { exact: true });
/** The editor's one-line notice ("Updated to revision 7 by external."), a polite status. */
export const editorNotice = (page: Page): Locator =>
  page.getByRole('status').filter({ hasText: /^(Updated to revision|Saved as revision|Unsaved edits restored)/ });
export const conflictBanner = (page: Page): Locator => page.getByRole('alert', { name: 'Newer version' });
export const deletedBanner = (page: Page): Locator => page.getByRole('alert', { name: 'Pipe deleted' });
export const unsavedBadge = (page: Page): Locator => page.getByText('unsaved edits', { exact: true });

/** The editor's own Save button (the note dialog's has the same name, inside the dialog). */
export const saveButton = (page: Page): Locator => page.getByRole('button', { name: 'Save', exact: true });
/** The dialog Save opens, asking for an optional change note. */
export const saveDialog = (page: Page): Locator => page.getByRole('dialog', { name: 'Save changes' });

/** Saves the way a user clicks it: Save, then Save in the note dialog, with a note when given. */
export async function save(page: Page, note?: string): Promise<void> {
  await saveButton(page).click();
  const dialog = saveDialog(page);
  await expect(dialog).toBeVisible();
  if (note !== undefined) await dialog.getByLabel('Change note').fill(note);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** The editor's History panel, a region named "History". */
export const historyPanel = (page: Page): Locator => page.getByRole('region', { name: 'History', exact: true });
/** One revision's row in the History panel. */
export const historyRow = (page: Page, revision: number): Locator => historyPanel(page).locator(`li[data-revision="${revision}"]`);

/** Opens the History panel and waits until it has listed something. */
export async function openHistory(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const panel = historyPanel(page);
  await expect(panel.locator('li[data-revision]').first()).toBeVisible();
  return panel;
}

/** The revisions the History panel lists, top to bottom. */
export async function listedRevisions(page: Page): Promise<number[]> {
  return historyPanel(page)
    .locator('li[data-revision]')
    .evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.revision)));
}

/** The SQL the editor shows, line breaks included (CodeMirror renders one element per line). */
export async function sqlText(page: Page): Promise<string> {
  return sqlBox(page).evaluate((el) => Array.from(el.querySelectorAll('.cm-line'), (line) => line.textContent ?? '').join('\n'));
}

export async function expectSql(page: Page, sql: string, timeout = 10_000): Promise<void> {
  await expect.poll(() => sqlText(page), { timeout, message: 'the SQL editor shows the expected text' }).toBe(sql);
}

/**
 * Replaces the SQL the way a user does: focus, select all, type. insertText sends the text as
 * one input (no key events), so CodeMirror's auto-closed brackets and completion popup cannot
 * add or swallow characters.
 */
export async function replaceSql(page: Page, sql: string): Promise<void> {
  await sqlBox(page).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(sql);
  await expectSql(page, sql);
}

/** Opens a pipe's editor and waits until it shows the stored SQL over a live connection. */
export async function openEditor(page: Page, key: string, sql: string): Promise<void> {
  await page.goto(`/pipes/${encodeURIComponent(key)}`);
  await expect(liveBadge(page)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('heading', { name: key, exact: true })).toBeVisible();
  await expectSql(page, sql);
}

/** Puts a pipe straight into KV (the external writer) and returns its revision. */
export async function putPipe(kv: KV, key: string, pipe: Omit<StoredPipe, 'name'> & { name?: string }): Promise<number> {
  return kv.put(key, JSON.stringify({ name: key, ...pipe }));
}

/** What the bucket holds for a key now: revision, operation and, for a put, the parsed value. */
export async function stored(
  kv: KV,
  key: string,
): Promise<{ revision: number; operation: string; value: StoredPipe | undefined; raw: string }> {
  const entry = await kv.get(key);
  if (!entry) return { revision: 0, operation: 'NONE', value: undefined, raw: '' };
  const raw = entry.operation === 'PUT' ? entry.string() : '';
  let value: StoredPipe | undefined;
  try {
    value = raw ? (JSON.parse(raw) as StoredPipe) : undefined;
  } catch {
    value = undefined;
  }
  return { revision: entry.revision, operation: entry.operation, value, raw };
}

/** Waits until the key's revision in KV is above `after`, and returns what is stored then. */
export async function storedAfter(kv: KV, key: string, after: number, timeout = 10_000): ReturnType<typeof stored> {
  await expect
    .poll(async () => (await stored(kv, key)).revision, { timeout, message: `a write to ${key} after revision ${after}` })
    .toBeGreaterThan(after);
  return stored(kv, key);
}

/** A screenshot kept as an artifact of the test (in its output folder and in the report). */
export async function keepScreenshot(target: Page | Locator, testInfo: TestInfo, name: string): Promise<string> {
  const file = testInfo.outputPath(`${name}.png`);
  if ('goto' in target) await target.screenshot({ path: file, animations: 'disabled', fullPage: true });
  else await target.screenshot({ path: file, animations: 'disabled' });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  return file;
}

/**
 * Freezes the page's live channel: one real snapshot of the bucket as it is now, then silence
 * (the `retry` hint keeps EventSource from reconnecting during the test). A write made after
 * this never reaches the page, so only a compare-and-set can catch it.
 */
export async function freezeLiveChannel(page: Page): Promise<void> {
  let frozen: string | undefined;
  await page.route('**/api/events**', async (route) => {
    if (frozen === undefined) {
      const res = await page.request.get('/api/pipes');
      expect(res.ok()).toBe(true);
      const snapshot = (await res.json()) as { revision: number };
      frozen = `retry: 3600000\n\nid: ${snapshot.revision}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
    }
    await route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }, body: frozen });
  });
}
