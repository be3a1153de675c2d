import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNatsServer, type NatsServer } from '../../scripts/lib/nats-server.mjs';

export type TestNats = NatsServer & {
  /** Kills the server (SIGKILL by default) and starts it again on the same port and store. */
  restart(signal?: NodeJS.Signals): Promise<TestNats>;
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
};

/** A real `nats-server -js` on a free loopback port with a temp store, like nats.js's test launcher. */
export async function startTestNats(storeDir = mkdtempSync(path.join(tmpdir(), 'pipes-nats-')), port = 0): Promise<TestNats> {
  const server = await startNatsServer({ storeDir, port });
  return {
    ...server,
    async restart(signal: NodeJS.Signals = 'SIGKILL') {
      await server.stop(signal);
      return startTestNats(storeDir, server.port);
    },
    async dispose() {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
