// The pipe list's first screen as a browser opening it feels it: `/` with 10,000 pipes beside the
// same page with 10 (the floor), in headless Chromium against the console (server.mjs,
// production build, 127.0.0.1) on one nats-server. Two buckets, a console for each, one after
// the other: the console under test is the only one running while its page is timed. For each,
// `runs` openings of each kind (after one warm-up), each in a fresh signed-in browser context
// (no cache, no other tab to share a connection with), timed in the page from its navigation
// start (performance.timeOrigin), so neither Playwright's polling nor a clock shared between
// processes is part of any figure:
//   - view openings: navigation → the first pipe row visible (tr[data-key] in the DOM, with a
//     layout box, the stylesheets loaded), and the frame after;
//   - search openings: navigation → search usable: the key of one pipe far below the first
//     screen typed into the search as soon as it exists (and again every frame) until the list
//     shows exactly that row.
// Beside them, the breakdown of an opening: the document, scripts, load event, EventSource, the
// snapshot reaching the app and its listener, long tasks before the first row, bytes; and the
// console's own side of the snapshot, GET /api/events from the bench process with no browser.
// The pieces: first-screen/probe.mjs (in the page), first-screen/measure.mjs (openings, seeding,
// the console-only reference), first-screen/report.mjs (results JSON, report, goal rows).
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { launchChromium, VIEWPORT } from './lib/browser.mjs';
import { machineFacts, startRun } from './lib/clock.mjs';
import { onCleanup } from './lib/cleanup.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { openSeries, seedBucket, snapshotReference, WARMUP_OPENS } from './first-screen/measure.mjs';
import { summariseRun } from './first-screen/report.mjs';

export const FLOOR_PIPES = 10;
const FLOOR_BUCKET = 'FIRST_SCREEN_FLOOR';
const LARGE_BUCKET = 'FIRST_SCREEN_LARGE';

/**
 * @param {{ pipes: number, runs: number, log: (line: string) => void }} options
 *   pipes: in the large bucket; runs: openings of each kind per bucket (after one warm-up)
 */
export async function firstScreen({ pipes: pipeCount, runs, log }) {
  const runClock = startRun();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  /** @type {import('@playwright/test').Browser | undefined} */
  let browser;
  const closeBrowser = onCleanup(() => browser?.close());
  /** @type {Awaited<ReturnType<typeof spawnConsole>> | undefined} */
  let server;
  try {
    log(`seeding ${FLOOR_PIPES} and ${pipeCount} pipes into two buckets`);
    const seeded = {
      floor: { pipes: FLOOR_PIPES, bucket: FLOOR_BUCKET, ...(await seedBucket(writer, FLOOR_BUCKET, FLOOR_PIPES)) },
      large: { pipes: pipeCount, bucket: LARGE_BUCKET, ...(await seedBucket(writer, LARGE_BUCKET, pipeCount)) },
    };
    browser = await launchChromium();
    /** @type {Partial<Record<'floor' | 'large', import('./first-screen/report.mjs').Size>>} */
    const sizes = {};
    /** @type {Record<'floor' | 'large', { at: number, text: string }[]>} */
    const serverWarnings = { floor: [], large: [] };
    for (const which of /** @type {const} */ (['floor', 'large'])) {
      const { pipes, bucket, searchKey, bytes } = seeded[which];
      log(`${pipes} pipes: starting the console (server.mjs) on ${bucket}`);
      server = await spawnConsole(nats.url, { appDir: app.dir, env: { PIPES_BUCKET: bucket, PIPES_DATA_DIR: dataDir } });
      const ready = await waitForList(server, pipes);
      log(`${pipes} pipes: ${WARMUP_OPENS} warm-up + ${runs} openings of / in each kind (view, search for ${searchKey})`);
      const series = await openSeries({ browser, server, searchKey, runs, log, label: `${pipes} pipes` });
      const reference = await snapshotReference(server);
      serverWarnings[which] = server.linesMatching(/ (warn|error) /i);
      await server.stop();
      server = undefined;
      sizes[which] = {
        pipes,
        bucket,
        searchKey,
        seededBytes: bytes,
        consoleReady: { atMs: ready.at, listBytes: ready.bodyBytes },
        series,
        reference,
      };
    }
    const browserVersion = browser.version();
    await browser.close();
    browser = undefined;

    const { durationMs, loadavgAfter } = runClock.end();
    const { results, report, rows } = summariseRun({
      startedAt: runClock.startedAt,
      durationMs,
      machine: machineFacts(runClock, loadavgAfter, { chromium: browserVersion }),
      build: { id: app.buildId, builtAt: app.builtAt },
      runs,
      viewport: VIEWPORT,
      floor: /** @type {import('./first-screen/report.mjs').Size} */ (sizes.floor),
      large: /** @type {import('./first-screen/report.mjs').Size} */ (sizes.large),
      serverWarnings,
    });
    return { results, report, rows };
  } finally {
    await browser?.close();
    closeBrowser();
    await server?.stop();
    await env.close();
  }
}
