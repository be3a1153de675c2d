// Preloaded into a console under test (NODE_OPTIONS="--import <this file's URL>"), never into the
// app: on SIGUSR2 it runs a full garbage collection and writes process.memoryUsage() to the file
// named by PIPES_TEST_MEMORY_FILE, so a test can read the live memory of the server it started.
// RSS alone cannot tell a leak of ~10 MB from the garbage a busy process keeps (see events.test.ts).
import { renameSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const file = process.env.PIPES_TEST_MEMORY_FILE;
if (file) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGUSR2', async () => {
    // Memory a socket write held (its WriteWrap) is handed back by a callback that runs after the
    // GC that found it unreachable: sampling at once counted ~13 MB of such finished writes as
    // live (seen with frames shared by all clients). Collect, let those callbacks run, collect.
    for (let round = 0; round < 3; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    gc();
    const sample = { at: Date.now(), ...process.memoryUsage() };
    writeFileSync(`${file}.tmp`, JSON.stringify(sample));
    renameSync(`${file}.tmp`, file); // a reader never sees a half-written file
  });
}
