// Headless Chromium as the browser benchmarks drive it: Debian's build with the launch flags the
// browser tests use, a context signed in as the console's admin, and the check that a tab and
// the bench process read the same wall clock.
import { chromium, devices } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../lib/chromium.mjs';
import { now } from './clock.mjs';

/** @typedef {{ rttMs: number, offsetMs: number }} ClockOffset */

export const VIEWPORT = devices['Desktop Chrome'].viewport;

/** Headless Chromium, stopped by the benchmark's own cleanup. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Our own cleanup stops the browser; Playwright's handlers would exit before it ran.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * A context signed in to the console at `baseURL` as admin, through POST /api/session as the
 * login page does it (the session cookie, not a bearer header, rides every request of the pages).
 * @param {import('@playwright/test').Browser} browser
 * @param {string} baseURL
 * @param {string} adminToken
 */
export async function signedInContext(browser, baseURL, adminToken) {
  const context = await browser.newContext({ ...devices['Desktop Chrome'], baseURL });
  const signIn = await context.request.post('/api/session', { data: { token: adminToken } });
  if (!signIn.ok()) throw new Error(`sign-in with the admin token failed: ${signIn.status()} ${await signIn.text()}`);
  return context;
}

/**
 * The same clock in the bench process and in a tab? A few round trips, the tightest one wins.
 * @param {import('@playwright/test').Page} page
 * @returns {Promise<ClockOffset>}
 */
export async function clockOffset(page) {
  let best = { rttMs: Infinity, offsetMs: NaN };
  for (let i = 0; i < 7; i++) {
    const sent = now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = now();
    if (back - sent < best.rttMs) best = { rttMs: back - sent, offsetMs: there - (sent + back) / 2 };
  }
  return best;
}
