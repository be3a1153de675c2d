// Shared by start.mjs and test.mjs. Node built-ins only: these run before `npm ci`.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A failure the user can act on: reported as one message, without a stack trace. */
export class ScriptError extends Error {
  /** @param {string} message  @param {ErrorOptions} [options] */
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The message of a thrown Error, or the thrown value itself as text.
 * @param {unknown} err
 */
export const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** @param {unknown} err */
export function describeError(err) {
  return err instanceof ScriptError ? `✖ ${err.message}` : `✖ ${/** @type {Error | undefined} */ (err)?.stack ?? err}`;
}

/**
 * Runs an async main; any error becomes exit code 1 with one message.
 * @param {() => Promise<unknown>} main
 */
export function runMain(main) {
  main().catch((err) => {
    console.error(describeError(err));
    process.exit(1);
  });
}
