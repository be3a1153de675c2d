import type { Page } from '@playwright/test';
import { E2E_ADMIN_TOKEN, e2eEnv } from './env';
import { expect, test, uniqueKey } from './fixtures';

// Script injection through what other writers put into the bucket (values are user
// text; the pages render them as text under a nonce CSP). Every payload sets window.__xss when it
// runs; an <img src=x> would also fetch /x. The pages must show the payload as text, never run
// it, and still work under their own CSP (the live badge reaches "live").

const DESCRIPTION = '<img src=x onerror="window.__xss=1">';
const SQL_LINE = "SELECT '</script><script>window.__xss=2</script>' AS payload";
const SQL = `${SQL_LINE}\n-- <svg onload="window.__xss=4"></svg>`;
const RAW = '<script>window.__xss=3</script>';
const EXTRA = '<iframe srcdoc="<script>parent.__xss=5</script>"></iframe>';
const DEFAULT = '"><img src=x onerror="window.__xss=6">';
const ROLE = '<b onmouseover="window.__xss=7">r</b>';

type Keys = { pipe: string; raw: string; schema: string };

/** The three hostile entries, written straight into KV by another writer. */
async function putPayloads(kv: { put(key: string, value: string): Promise<number> }, run: string): Promise<Keys> {
  const keys = { pipe: `${run}_pipe`, raw: `${run}_raw`, schema: `${run}_schema` };
  await kv.put(
    keys.pipe,
    JSON.stringify({
      name: keys.pipe,
      sql: SQL,
      parameters: [{ name: 'p', type: 'string', default: DEFAULT }],
      description: DESCRIPTION,
      allowed_roles: [ROLE],
      note: EXTRA,
    }),
  );
  await kv.put(keys.raw, RAW);
  // Valid JSON, invalid pipe: the payload sits in the fields the message is about.
  await kv.put(keys.schema, JSON.stringify({ name: keys.schema, sql: RAW, parameters: [{ name: DESCRIPTION }] }));
  return keys;
}

/**
 * Records what must never happen on a page: a CSP violation (the browser's event and its console
 * message, so a blocked payload is caught as well as one of our own scripts), an uncaught error, a
 * request for the payload's image.
 */
async function guard(page: Page): Promise<{ problems: string[]; check: () => Promise<void> }> {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /content security policy|refused to (execute|load|apply|frame)/i.test(msg.text()))
      problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/x') problems.push(`the payload's image was requested: ${req.url()}`);
  });
  // Playwright's init scripts run outside the page's CSP; this only listens.
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`),
    );
  });
  return {
    problems,
    check: async () => {
      const { xss, violations } = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: unknown }).__xss,
        violations: (window as unknown as { __violations: string[] }).__violations,
      }));
      expect(xss, 'a payload ran').toBeUndefined();
      expect(violations, 'CSP violations').toEqual([]);
      expect(problems).toEqual([]);
    },
  };
}

const live = (page: Page) => page.getByRole('status').and(page.locator('[data-connection="live"]'));

test('the pipe list shows hostile descriptions, SQL and raw values as text, runs none of them, and works under its CSP', async ({
  page,
  kv,
}) => {
  const { check } = await guard(page);
  const run = uniqueKey('xss_list');
  const keys = await putPayloads(kv, run);

  await page.goto(`/?q=${run}`);
  await expect(live(page)).toBeVisible({ timeout: 15_000 });
  const pipeRow = page.locator(`tr[data-key="${keys.pipe}"]`);
  const rawRow = page.locator(`tr[data-key="${keys.raw}"]`);
  const schemaRow = page.locator(`tr[data-key="${keys.schema}"]`);
  await expect(pipeRow).toBeVisible({ timeout: 10_000 });
  await expect(rawRow).toBeVisible();
  await expect(schemaRow).toBeVisible();

  await expect(pipeRow).toContainText(DESCRIPTION);
  await expect(pipeRow).toContainText(SQL_LINE);
  await expect(rawRow).toContainText(/invalid: invalid JSON/);
  await expect(rawRow).toContainText(RAW);
  await expect(schemaRow).toContainText(/invalid: /);
  await expect(schemaRow).toContainText(RAW);
  // Nothing of the payloads became an element (the one script is the page's own fetch of the list).
  await expect(page.locator('main img, main script:not(#list-head-start), main svg[onload], main iframe, main b[onmouseover]')).toHaveCount(
    0,
  );
  await check();
});

test('the editor shows a hostile pipe’s fields as text and values, runs none of them, and works under its CSP', async ({ page, kv }) => {
  const { check } = await guard(page);
  const keys = await putPayloads(kv, uniqueKey('xss_editor'));

  await page.goto(`/pipes/${encodeURIComponent(keys.pipe)}`);
  await expect(live(page)).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('#pipe-description')).toHaveValue(DESCRIPTION, { timeout: 10_000 });
  await expect(page.locator('.cm-content')).toContainText(SQL_LINE);
  await expect(page.locator('.cm-content')).toContainText('<svg onload="window.__xss=4"></svg>');
  await expect(page.locator('#pipe-roles')).toHaveValue(ROLE);
  // The default is edited as JSON text.
  await expect(page.getByLabel(/^Default of /)).toHaveValue(JSON.stringify(DEFAULT));
  await expect(page.locator('main')).not.toContainText('stored value invalid');
  const others = page.locator('details', { hasText: 'Other fields' });
  await others.locator('summary').click();
  await expect(others.locator('pre')).toContainText(JSON.stringify(EXTRA).slice(1, -1));
  await expect(page.locator('main iframe, main img, main script')).toHaveCount(0);
  await check();
});

test('the editor of a value that is not JSON shows the stored text as text and runs none of it', async ({ page, kv }) => {
  const { check } = await guard(page);
  const keys = await putPayloads(kv, uniqueKey('xss_raw'));

  for (const key of [keys.raw, keys.schema]) {
    await page.goto(`/pipes/${encodeURIComponent(key)}`);
    await expect(live(page)).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText('stored value invalid')).toBeVisible({ timeout: 10_000 });
    await expect(page.locator('main pre', { hasText: RAW })).toBeVisible();
    await expect(page.locator('main script')).toHaveCount(0);
    await check();
  }
});

test('the live feed shows hostile changes and their diffs as text and runs none of them', async ({ page, kv }) => {
  const { check } = await guard(page);
  await page.goto('/feed');
  await expect(live(page)).toBeVisible({ timeout: 15_000 });

  // The feed lists changes that arrive while it is open.
  const keys = await putPayloads(kv, uniqueKey('xss_feed'));
  const pipeRow = page.locator(`li[data-key="${keys.pipe}"]`);
  const rawRow = page.locator(`li[data-key="${keys.raw}"]`);
  const schemaRow = page.locator(`li[data-key="${keys.schema}"]`);
  await expect(schemaRow).toBeVisible({ timeout: 10_000 });

  await pipeRow.getByRole('button', { name: 'Show diff' }).click();
  await expect(pipeRow).toContainText(DESCRIPTION);
  await expect(pipeRow).toContainText(SQL_LINE);
  await expect(rawRow).toContainText(/invalid: invalid JSON/);
  await rawRow.getByRole('button', { name: 'Show diff' }).click();
  await expect(rawRow.locator('pre', { hasText: RAW })).toBeVisible();
  await schemaRow.getByRole('button', { name: 'Show diff' }).click();
  await expect(schemaRow.locator('pre', { hasText: RAW })).toBeVisible();
  await expect(page.locator('main img, main script, main iframe, main svg[onload]')).toHaveCount(0);
  await check();
});

test.describe('the sign-in page', () => {
  // Signed out: a fresh browser context without the admin session.
  test.use({ storageState: { cookies: [], origins: [] } });

  // The console's own address after sign-in, whatever ?next= says (an open redirect would send a
  // phishing link's victim, just signed in, to a look-alike site).
  for (const next of ['/\\evil.example/', '/\t/evil.example/', '//evil.example/', 'https://evil.example/', 'javascript:window.__xss=8']) {
    test(`after sign-in, ?next=${JSON.stringify(next)} stays on the console`, async ({ page, baseURL }) => {
      const { check } = await guard(page);
      let leftTheConsole = '';
      await page.route(
        (url) => url.hostname === 'evil.example',
        (route) => {
          leftTheConsole = route.request().url();
          return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>phish</p>' });
        },
      );
      await page.goto(`/login?next=${encodeURIComponent(next)}`);
      await page.getByLabel('Token').fill(e2eEnv(E2E_ADMIN_TOKEN));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('heading', { name: 'Pipes' })).toBeVisible({ timeout: 10_000 });
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      expect(leftTheConsole).toBe('');
      await check();
    });
  }

  test('a same-origin ?next= is followed after sign-in', async ({ page }) => {
    const { check } = await guard(page);
    await page.goto(`/login?next=${encodeURIComponent('/feed?from=login')}`);
    await page.getByLabel('Token').fill(e2eEnv(E2E_ADMIN_TOKEN));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Live feed' })).toBeVisible({ timeout: 10_000 });
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/feed?from=login');
    await check();
  });
});
