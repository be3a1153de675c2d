// What every benchmark against the console starts from: a private copy of the production build
// (a rebuild in the worktree cannot pull files from under it), a fresh nats-server on a temp
// store, a writer connection, and a data dir for the console. `close()` undoes all of it; so
// does the runner's cleanup after a failure or Ctrl-C (cleanup.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { buildIfStale } from '../../lib/build.mjs';
import { startNatsServer } from '../../lib/nats-server.mjs';
import { snapshotProductionBuild } from './app-snapshot.mjs';
import { onCleanup } from './cleanup.mjs';

/** @param {{ natsArgs?: string[] }} [options] natsArgs: more nats-server flags (e.g. a monitor port) */
export async function openBenchEnvironment({ natsArgs = [] } = {}) {
  await buildIfStale();
  const app = snapshotProductionBuild();
  const storeDir = mkdtempSync(join(tmpdir(), 'pipes-bench-nats-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'pipes-bench-data-'));
  const removeFiles = () => {
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    app.remove();
  };
  const unregisterFiles = onCleanup(removeFiles);
  const nats = await startNatsServer({ storeDir, extraArgs: natsArgs });
  const unregisterNats = onCleanup(() => nats.stop());
  const writer = await connect({ servers: nats.url, name: 'bench-writer' });
  const unregisterWriter = onCleanup(() => writer.close());
  return {
    app,
    nats,
    /** A plain nats.js connection for the benchmark's own puts. */
    writer,
    /** PIPES_DATA_DIR for the console, so nothing lands in the repository's .data. */
    dataDir,
    async close() {
      await writer.close();
      unregisterWriter();
      await nats.stop();
      unregisterNats();
      removeFiles();
      unregisterFiles();
    },
  };
}
