// The line `npm start` prints under "Pipes Console is running at …" to help the user sign in.
// Placeholder for the auth work: with no auth configured the server generates an admin token
// under .data/ on first start (SPEC §2); return a one-line sign-in link built from it here.
// Called once the server answers /api/health, so a token written at start-up already exists.

/**
 * @param {{ baseUrl: string, repoRoot: string, env: NodeJS.ProcessEnv }} _context
 * @returns {string} a line to print, or '' for nothing
 */
export function signInHint(_context) {
  return '';
}
