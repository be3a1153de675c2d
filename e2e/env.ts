// Names of the variables e2e/global-setup.ts sets for the tests (Playwright workers inherit the
// runner's environment). Prefixed so they never mix with a NATS_URL of the developer's shell.
export const E2E_NATS_URL = 'PIPES_E2E_NATS_URL';
export const E2E_BASE_URL = 'PIPES_E2E_BASE_URL';
/** The admin token the console under test was started with. */
export const E2E_ADMIN_TOKEN = 'PIPES_E2E_ADMIN_TOKEN';
/** The HS256 secret it accepts JWTs signed with (PIPES_JWT_SECRET). */
export const E2E_JWT_SECRET = 'PIPES_E2E_JWT_SECRET';

type E2eVariable = typeof E2E_NATS_URL | typeof E2E_BASE_URL | typeof E2E_ADMIN_TOKEN | typeof E2E_JWT_SECRET;

/**
 * The presence heartbeat of every console under test (PIPES_PRESENCE_INTERVAL_MS). Short, yet
 * long enough that a tab's goodbye (gone at once) and its silence (gone after 3 intervals) are
 * seconds apart, so a test can tell which of them cleared a closed tab.
 */
export const E2E_PRESENCE_INTERVAL_MS = 2_000;

/** What every console under test is started with. */
export function consoleEnv(credentials: { adminToken: string; jwtSecret: string; dataDir: string }): Record<string, string> {
  return {
    PIPES_ADMIN_TOKEN: credentials.adminToken,
    PIPES_JWT_SECRET: credentials.jwtSecret,
    PIPES_PRESENCE_INTERVAL_MS: String(E2E_PRESENCE_INTERVAL_MS),
    // Nothing of the run lands in the repository's .data (the generated-token file lives there).
    PIPES_DATA_DIR: credentials.dataDir,
  };
}

export function e2eEnv(name: E2eVariable): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npx playwright test\` (e2e/global-setup.ts sets it)`);
  return value;
}
