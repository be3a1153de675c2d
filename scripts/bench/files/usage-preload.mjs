// Preloaded into every command the files benchmark times (node --import <this file's URL>), never
// into the app: when the process exits it writes what it used — peak RSS, CPU, its own uptime —
// to the file named by BENCH_USAGE_FILE. The child is node itself, so its PID is the command's
// (a wrapper such as /usr/bin/time would stand between the benchmark's cleanup and it).
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: usage.maxRSS,
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
        // From the process's start; bootstrapComplete is when node was ready to load the command.
        uptimeMs: performance.now(),
        bootstrapMs: performance.nodeTiming.bootstrapComplete,
      }),
    );
  });
}
