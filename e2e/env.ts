// Names of the variables e2e/global-setup.ts sets for the tests (Playwright workers inherit the
// runner's environment). Prefixed so they never mix with a NATS_URL of the developer's shell.
export const E2E_NATS_URL = 'PIPES_E2E_NATS_URL';
export const E2E_BASE_URL = 'PIPES_E2E_BASE_URL';
/** The admin token the console under test was started with. */
export const E2E_ADMIN_TOKEN = 'PIPES_E2E_ADMIN_TOKEN';

type E2eVariable = typeof E2E_NATS_URL | typeof E2E_BASE_URL | typeof E2E_ADMIN_TOKEN;

export function e2eEnv(name: E2eVariable): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npx playwright test\` (e2e/global-setup.ts sets it)`);
  return value;
}
