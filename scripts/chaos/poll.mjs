// Waiting for the state a campaign expects, with a deadline: the campaign never sleeps in place
// of a check.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it holds; rejects with what it waited for after `timeoutMs`.
 * @param {() => boolean | Promise<boolean>} check  @param {number} timeoutMs  @param {string} what  @param {number} [everyMs]
 */
export async function until(check, timeoutMs, what, everyMs = 50) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // a read during a fault: try again
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * @template T
 * @param {() => Promise<T>} attempt  @param {number} timeoutMs  @param {string} what
 * @returns {Promise<T>}
 */
export async function retry(attempt, timeoutMs, what) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (performance.now() > deadline)
        throw new Error(`could not ${what} within ${timeoutMs / 1000} s: ${/** @type {Error} */ (err).message}`);
      await sleep(250);
    }
  }
}
