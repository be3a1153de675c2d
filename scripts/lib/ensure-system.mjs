// Finds a system command (nats-server, chromium) or installs it with apt on Debian as root.
// Debian puts nats-server in /usr/sbin, which is not on a normal user's PATH: look there too.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { ScriptError } from './cli.mjs';
import { run } from './run.mjs';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** @type {Record<string, string>} */
const INSTALL_HINTS = {
  'nats-server':
    'Debian/Ubuntu: sudo apt-get install nats-server · macOS: brew install nats-server · ' +
    'elsewhere: a binary from https://github.com/nats-io/nats-server/releases on your PATH',
  chromium: 'Debian: sudo apt-get install chromium · Ubuntu: sudo snap install chromium · macOS: brew install --cask chromium',
  'clickhouse-server':
    'Debian: sudo apt-get install clickhouse-server · elsewhere: see https://clickhouse.com/docs/en/install (the server must be on your PATH)',
};

export class MissingCommandError extends ScriptError {}

/** @param {string} path */
function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Absolute path of `cmd` on PATH or in the usual system directories, or null.
 * @param {string} cmd
 */
export function findCommand(cmd) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    const candidate = resolve(dir, cmd);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** @type {Promise<number> | undefined} one `apt-get update` per process, however many packages we install */
let aptUpdate;

/** @param {string} aptPackage */
async function aptInstall(aptPackage) {
  const options = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  aptUpdate ??= run('apt-get', ['update'], options);
  if ((await aptUpdate) !== 0) throw new MissingCommandError('apt-get update failed; see its output above.');
  const code = await run('apt-get', ['install', '-y', aptPackage], options);
  if (code !== 0) throw new MissingCommandError(`apt-get install -y ${aptPackage} failed (exit code ${code}); see its output above.`);
}

/**
 * @param {string} cmd
 * @param {string} aptPackage
 * @returns {Promise<string>} the absolute path of `cmd`, installing `aptPackage` first when it
 *   is missing and we may (Debian, root). Throws MissingCommandError with install advice otherwise.
 */
export async function ensureCommand(cmd, aptPackage) {
  const found = findCommand(cmd);
  if (found) return found;
  const hint = INSTALL_HINTS[cmd] ?? `install the ${aptPackage} package`;
  const canApt = existsSync('/etc/debian_version') && process.getuid?.() === 0;
  if (!canApt) {
    throw new MissingCommandError(
      `${cmd} is required but was not found on PATH or in ${SYSTEM_DIRS.join(', ')}.\n  Install it — ${hint} — and run this again.`,
    );
  }
  console.log(`${cmd} is not installed: installing the Debian package ${aptPackage} (apt-get).`);
  await aptInstall(aptPackage);
  const installed = findCommand(cmd);
  if (!installed) throw new MissingCommandError(`apt-get installed ${aptPackage}, but ${cmd} is still not found. Install it — ${hint}.`);
  return installed;
}

/**
 * PATH with `dir` in front (once), so children that spawn the bare command name find it.
 * @param {string} dir
 */
export function pathWith(dir, path = process.env.PATH ?? '') {
  const parts = path.split(delimiter).filter(Boolean);
  return parts.includes(dir) ? path : [dir, ...parts].join(delimiter);
}
