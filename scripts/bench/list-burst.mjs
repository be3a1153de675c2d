// A burst of edits as a browser with the pipe list open feels it: how long from the first put of
// a burst until the whole burst shows on the list, and how long the tab's main thread is blocked
// meanwhile, next to the floor set by NATS itself. One nats-server, one console (server.mjs,
// production build, 127.0.0.1) and one headless Chromium for the whole run:
//   1. raw floor: a plain nats.js KV watch (updates only, its own connection, console not
//      running) — first put → the burst's last entry received;
//   2. two tabs of the list page `/` in one signed-in browser context, each in a window of its
//      own (both on screen): the leader holds the EventSource, the follower gets the events over
//      the BroadcastChannel (tab-share.ts) —
//      first put → the marker row shows the burst's text (in the DOM, and the frame after);
//      the raw watch runs beside them again, as a check on what the load did to NATS itself.
// A burst is `puts - 1` puts to existing keys spread over the bucket (`IN_FLIGHT` at a time,
// as fast as the client allows), then, once all are acknowledged, one put to a marker pipe whose
// key sorts first (its row is on screen). Events are applied in revision order, so the marker
// showing burst N's text means the whole burst has been applied. Times use one wall clock in
// every process (performance.timeOrigin + performance.now()); each tab records its own in-page
// (MutationObserver), so Playwright's polling is not part of any figure.
// The pieces: list-burst/setup.mjs (bucket, browser, tabs), list-burst/measure.mjs (bursts and
// what is timed), list-burst/report.mjs (results JSON and the printed report).
import { ScriptError } from '../lib/cli.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { clockOffset, launchChromium } from './lib/browser.mjs';
import { machineFacts, startRun } from './lib/clock.mjs';
import { onCleanup } from './lib/cleanup.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { browserBurst, heapMiB, openRawWatcher, rawFloor, rendererCpuMs } from './list-burst/measure.mjs';
import { summariseRun } from './list-burst/report.mjs';
import { openTabs, probedContext, roles, seedBucket, setupChecks, WARMUP_BURSTS } from './list-burst/setup.mjs';

/**
 * @param {{ pipes: number, puts: number, runs: number, log: (line: string) => void }} options
 *   pipes: in the bucket; puts: per burst, the marker included; runs: bursts counted (after
 *   WARMUP_BURSTS not counted)
 */
export async function listBurst({ pipes: pipeCount, puts, runs, log }) {
  if (puts < 2 || puts - 1 > pipeCount)
    throw new ScriptError(`--puts must be 2…${pipeCount + 1} (distinct keys plus the marker), got ${puts}`);
  const runClock = startRun();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  /** @type {Awaited<ReturnType<typeof spawnConsole>> | undefined} */
  let server;
  /** @type {import('@playwright/test').Browser | undefined} */
  let browser;
  /** @type {import('./list-burst/measure.mjs').RawWatcher | undefined} */
  let watcher;
  const closeBrowser = onCleanup(() => browser?.close());
  try {
    const { kv, pipes } = await seedBucket(writer, pipeCount);

    log(`raw floor: plain KV watch, ${WARMUP_BURSTS} warm-up + ${runs} bursts of ${puts} puts`);
    const raw = await rawFloor({ servers: nats.url, kv, pipes, puts, runs, log });

    log('starting the console (server.mjs)');
    server = await spawnConsole(nats.url, { appDir: app.dir, env: { PIPES_DATA_DIR: dataDir } });
    await waitForList(server, pipeCount + 1);

    log('opening two tabs of the list in headless Chromium');
    browser = await launchChromium();
    const context = await probedContext(browser, server.url, server.adminToken);
    const browserCdp = await browser.newBrowserCDPSession();
    const tabs = await openTabs(context, browserCdp);
    const [leader, follower] = tabs;
    const rolesBefore = await roles(tabs, server);
    if (rolesBefore.leaderEventSources !== 1 || rolesBefore.followerEventSources !== 0) {
      throw new Error(`expected the first tab to hold the one EventSource and the second none: ${JSON.stringify(rolesBefore)}`);
    }
    const checks = await setupChecks(tabs);
    const clock = { leader: await clockOffset(leader.page), follower: await clockOffset(follower.page) };
    const heapAfterLoad = { leader: await heapMiB(leader.cdp), follower: await heapMiB(follower.cdp) };
    const renderers = [...(await rendererCpuMs(browserCdp)).keys()].length;

    watcher = await openRawWatcher(nats.url);
    // BENCH_CHROMIUM_TRACE=<file.json>: one more burst, not counted, under a Chromium trace.
    const traceFile = process.env.BENCH_CHROMIUM_TRACE;
    const bursts = [];
    for (let n = 0; n < WARMUP_BURSTS + runs + (traceFile ? 1 : 0); n++) {
      bursts.push(
        await browserBurst({ n, runs, puts, pipes, kv, tabs, watcher, browser, browserCdp, consolePid: server.pid, traceFile, log }),
      );
    }
    const rolesAfter = await roles(tabs, server);
    const heapAfterBursts = { leader: await heapMiB(leader.cdp), follower: await heapMiB(follower.cdp) };
    const browserVersion = browser.version();
    await watcher.close();
    watcher = undefined;
    await browser.close();
    browser = undefined;

    const { durationMs, loadavgAfter } = runClock.end();
    const { results, report, rows } = summariseRun({
      startedAt: runClock.startedAt,
      durationMs,
      machine: machineFacts(runClock, loadavgAfter, { chromium: browserVersion }),
      pipes: pipeCount,
      puts,
      runs,
      rolesBefore,
      rolesAfter,
      rendererProcesses: renderers,
      setupChecks: checks,
      build: { id: app.buildId, builtAt: app.builtAt },
      raw,
      bursts,
      heapAfterLoad,
      heapAfterBursts,
      clock,
      traceFile,
      serverWarnings: server.linesMatching(/ (warn|error) /i),
    });
    return { name: 'list-burst', results, report, rows };
  } finally {
    await watcher?.close();
    await browser?.close();
    closeBrowser();
    await server?.stop();
    await env.close();
  }
}
