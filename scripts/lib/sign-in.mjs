// The line `npm start` prints under "Pipes Console is running at …" to help the user sign in.
// With no credential configured the server generates an admin token in <PIPES_DATA_DIR>/admin-token
// at boot; the link carries it in the URL fragment, which never reaches a server or log.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {{ baseUrl: string, repoRoot: string, env: NodeJS.ProcessEnv }} context
 * @returns {string} a line to print, or '' for nothing
 */
export function signInHint({ baseUrl, repoRoot, env }) {
  if (env.PIPES_ADMIN_TOKEN || env.PIPES_VIEWER_TOKEN || env.PIPES_JWT_SECRET) {
    return `Sign in at ${baseUrl}login with PIPES_ADMIN_TOKEN, PIPES_VIEWER_TOKEN or a WaveHouse JWT`;
  }
  const file = path.resolve(repoRoot, env.PIPES_DATA_DIR || '.data', 'admin-token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    return `Sign in (admin): ${baseUrl}login#token=${token}\n  (token kept in ${path.relative(repoRoot, file)}; delete that file and restart to rotate it)`;
  } catch {
    return `Sign in at ${baseUrl}login (the admin token is in ${file})`;
  }
}
