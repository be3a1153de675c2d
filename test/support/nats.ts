import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNatsServer, type NatsServer } from '../../scripts/lib/nats-server.mjs';

export type TestNats = NatsServer & {
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
};

/**
 * A real `nats-server -js` on a free loopback port with a temp store, like nats.js's test
 * launcher. Pass the store and port of a stopped one to start it again in their place.
 */
export async function startTestNats(
  storeDir = mkdtempSync(path.join(tmpdir(), 'pipes-nats-')),
  port = 0,
  { jetstream = true }: { jetstream?: boolean } = {},
): Promise<TestNats> {
  const server = await startNatsServer({ storeDir, port, jetstream });
  return {
    ...server,
    async dispose() {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
