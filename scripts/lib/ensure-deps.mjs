// `npm ci` when node_modules is missing or older than the manifests. npm writes
// node_modules/.package-lock.json at the end of every install, so its mtime is "last install".
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot, ScriptError } from './cli.mjs';
import { run } from './run.mjs';

/** @param {string} path */
function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** Why dependencies must be (re)installed, or null when node_modules is current. */
export function installReason(root = repoRoot) {
  const installed = mtimeMs(join(root, 'node_modules', '.package-lock.json'));
  if (installed === null) {
    return existsSync(join(root, 'node_modules'))
      ? 'node_modules is incomplete (no node_modules/.package-lock.json)'
      : 'node_modules is missing';
  }
  for (const file of ['package-lock.json', 'package.json']) {
    if ((mtimeMs(join(root, file)) ?? 0) > installed) return `${file} changed since the last install`;
  }
  return null;
}

/**
 * Under `npm start|test`, reuse the very npm that runs us; otherwise take npm from PATH.
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function npmCommand(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && basename(npmCli).startsWith('npm-cli')) return [process.execPath, [npmCli, ...args]];
  return ['npm', args];
}

export async function ensureDependencies(root = repoRoot) {
  const reason = installReason(root);
  if (!reason) return false;
  console.log(`Installing dependencies with npm ci: ${reason}.`);
  const [cmd, args] = npmCommand(['ci', '--no-audit', '--no-fund']);
  const code = await run(cmd, args, { cwd: root });
  if (code !== 0) throw new ScriptError(`npm ci failed (exit code ${code}); see its output above.`);
  return true;
}
