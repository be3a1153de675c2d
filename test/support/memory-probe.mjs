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
  process.on('SIGUSR2', () => {
    gc();
    const sample = { at: Date.now(), ...process.memoryUsage() };
    writeFileSync(`${file}.tmp`, JSON.stringify(sample));
    renameSync(`${file}.tmp`, file); // a reader never sees a half-written file
  });
}
