// `next build` only when the production build is older than its inputs, so `npm start` and
// `npm test` stay fast on a second run. Next writes .next/BUILD_ID last: its mtime is "built at".
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot, ScriptError } from './cli.mjs';
import { run } from './run.mjs';

const INPUT_DIRS = ['app', 'components', 'lib', 'public'];
const INPUT_FILES = [
  'next.config.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'postcss.config.mjs',
  'instrumentation.ts',
  'proxy.ts',
  'middleware.ts', // Next 16 names it proxy.ts; either may appear
];
const IGNORED = /\.test\.tsx?$/; // unit tests live beside their source but are not in the bundle

export class BuildError extends ScriptError {}

/** @param {string} path */
function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * First input file (repo-relative) modified after `sinceMs`, or null.
 * @param {string} root
 * @param {number} sinceMs
 */
function findNewerInput(root, sinceMs) {
  const pending = INPUT_DIRS.map((dir) => join(root, dir));
  for (const file of INPUT_FILES) if ((mtimeMs(join(root, file)) ?? 0) > sinceMs) return file;
  while (pending.length > 0) {
    const dir = /** @type {string} */ (pending.pop());
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // a folder the app does not have (yet)
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (!IGNORED.test(entry.name) && (mtimeMs(path) ?? 0) > sinceMs) return relative(root, path);
    }
  }
  return null;
}

/** Why a production build is needed, or null when .next is current. */
export function buildReason(root = repoRoot) {
  const builtAt = mtimeMs(join(root, '.next', 'BUILD_ID'));
  if (builtAt === null) return 'there is no production build yet (.next/BUILD_ID is missing)';
  const changed = findNewerInput(root, builtAt);
  return changed && `${changed} changed since the last build`;
}

/** @returns {Promise<boolean>} whether it built. Throws BuildError when `next build` fails. */
export async function buildIfStale(root = repoRoot) {
  const reason = buildReason(root);
  if (!reason) {
    console.log('Production build is up to date (.next/BUILD_ID is newer than every input).');
    return false;
  }
  console.log(`Building with next build: ${reason}.`);
  const code = await run(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], { cwd: root });
  if (code !== 0) throw new BuildError(`next build failed (exit code ${code}); see its output above.`);
  return true;
}
