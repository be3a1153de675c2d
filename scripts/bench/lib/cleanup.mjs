// Everything a benchmark starts registers how to stop it here, so a failure or Ctrl-C still
// stops every process it spawned (by its handle, never by name) and removes temp dirs.
import { messageOf } from '../../lib/cli.mjs';

/** @type {Set<() => Promise<void> | void>} */
const cleanups = new Set();

/** @param {() => Promise<void> | void} fn  @returns {() => void} unregister */
export function onCleanup(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs the registered cleanups, newest first; a failing one does not stop the others. */
export async function cleanupAll() {
  const pending = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of pending) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup failed: ${messageOf(err)}`);
    }
  }
}
