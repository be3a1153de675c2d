// A private copy of the production build, so the console under test keeps running the same
// files while someone rebuilds .next in the shared worktree (a `next build` rewrites .next under
// a running `next start`: it then fails to load its chunks). node_modules is linked, not copied.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../../lib/cli.mjs';

/**
 * What the production server reads at run time besides .next, public/ and node_modules: server.mjs
 * and the plain modules it imports, and next.config.mjs with the headers JSON it reads at start.
 */
const RUNTIME_FILES = [
  'server.mjs',
  'lib/defaults.mjs',
  'lib/server/http/fast-paths.mjs',
  'next.config.mjs',
  'package.json',
  'lib/server/static-security-headers.json',
];

const builtAt = () => statSync(join(repoRoot, '.next', 'BUILD_ID')).mtimeMs;

/** @returns {{ dir: string, buildId: string, builtAt: string, remove(): void }} */
export function snapshotProductionBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'pipes-bench-app-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const before = builtAt();
    const skip = new Set(['cache', 'trace', 'trace-build', 'diagnostics']);
    cpSync(join(repoRoot, '.next'), join(dir, '.next'), {
      recursive: true,
      verbatimSymlinks: true, // .next/node_modules holds relative links to ../../../node_modules
      filter: (src) => !skip.has(relative(join(repoRoot, '.next'), src)),
    });
    if (builtAt() !== before || !existsSync(join(dir, '.next', 'BUILD_ID'))) {
      throw new Error('.next changed while it was being copied (a `next build` is running?); try again when it is done');
    }
    for (const file of RUNTIME_FILES) {
      cpSync(join(repoRoot, file), join(dir, file));
    }
    if (existsSync(join(repoRoot, 'public'))) cpSync(join(repoRoot, 'public'), join(dir, 'public'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const idFile = join(dir, '.next', 'BUILD_ID');
    return { dir, buildId: readFileSync(idFile, 'utf8').trim(), builtAt: statSync(idFile).mtime.toISOString(), remove };
  } catch (err) {
    remove();
    throw err;
  }
}
