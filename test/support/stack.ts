// What most integration files start once for all their tests: a nats-server of their own, a raw
// nats.js client as "another writer", and the console (production build) on that server.
import { assertFreshBuild } from './build';
import { startConsole, type TestConsole } from './console';
import { disposeAll } from './dispose';
import { openRawClient, type RawClient } from './kv';
import { startTestNats, type TestNats } from './nats';

export type TestStack = { nats: TestNats; raw: RawClient; app: TestConsole };

/** Starts the three, in that order; the console gets `env` on top of the launcher's own. */
export async function startTestStack(env: Record<string, string>): Promise<TestStack> {
  await assertFreshBuild();
  const nats = await startTestNats();
  const raw = await openRawClient(nats.url);
  return { nats, raw, app: await startConsole(nats.url, { env }) };
}

/** Stops what was started (any part may be missing after a failed start), the console first. */
export function disposeTestStack({ nats, raw, app }: Partial<TestStack>): Promise<void> {
  return disposeAll(app && (() => app.stop()), raw && (() => raw.close()), nats && (() => nats.dispose()));
}
