// The change archive's cost, each figure beside a floor measured in the same run. One
// nats-server (temp store), the production build (server.mjs, 127.0.0.1), consoles one at a time:
//   1. live path: put → SSE `put` event with 1 client (sse-latency's series), the archive on (the
//      default stream) against off (PIPES_AUDIT_STREAM=off) — same build, same nats-server, the same
//      probe puts, the two consoles taking turns (off, on, off, on, …) so drift in the machine's load
//      falls on both. Goal: the archive adds ≤ 10 % at p50.
//   2. first pages over HTTP (sequential, after a warm-up): GET /api/pipes/{key}/history of a key
//      with DEEP_REVISIONS revisions (written through the console's PUT, so the console archives
//      them) against a key with 1 revision, and GET /api/changes?limit=100 with `changes` archived
//      changes (published straight to the stream, onto keys in no bucket) against an archive that
//      holds only the bucket's own revisions; the raw floor is nats.js reading the same records
//      straight from the stream (one ordered consumer; for the history also every record of the
//      key, which is what the console's reader scans, and the key's subjects listed, then the
//      page's records fetched by subject). Both archives get every figure. Goal: ≤ 50 ms each.
//   3. the console's RSS (/proc) with the small and with the large archive, once it is ready and
//      after it served the same first pages. Goal: no growth with the archive's size.
//   4. /feed in headless Chromium: page.goto() → the archive's latest 100 changes as rows in the
//      DOM (timed in the page), against the same page on an archive of FLOOR_CHANGES changes.
// The pieces: archive/setup.mjs (bucket, stream, seeding, consoles), archive/measure.mjs (what is
// timed and how), archive/report.mjs (results JSON and the printed report).
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { launchChromium } from './lib/browser.mjs';
import { machineFacts, startRun } from './lib/clock.mjs';
import { onCleanup } from './lib/cleanup.mjs';
import { cpuMsOf, memoryOf } from './lib/proc.mjs';
import { oneClient, PROBE_KEY, probeValues, WARMUP_PUTS } from './sse-latency.mjs';
import { apiGet, feedOpens, PAGE_LIMIT, readBySubjects, readRecords, timeCalls } from './archive/measure.mjs';
import { summariseRun } from './archive/report.mjs';
import {
  BUCKET,
  bucketRevision,
  DEEP_KEY,
  DEEP_REVISIONS,
  FLOOR_BUCKET,
  FLOOR_CHANGES,
  FLOOR_STREAM,
  keyFilter,
  recordSubject,
  scopeOf,
  seedArchive,
  seedBucket,
  seedFloorBucket,
  startConsole,
  STREAM,
  streamState,
  waitForArchive,
  waitForRecords,
  writeThroughApi,
} from './archive/setup.mjs';

// Turns each console takes in the latency series: off, on, off, on, …
const ROUNDS = 4;
const RECREATE_PAUSE_MS = 2_000;

/** @typedef {Awaited<ReturnType<typeof startConsole>>} Started */
/** @typedef {import('@nats-io/jetstream').JetStreamClient} JetStreamClient */
/** @typedef {import('@nats-io/jetstream').JetStreamManager} JetStreamManager */
/** @typedef {Awaited<ReturnType<typeof firstPages>>} FirstPages */
/** @typedef {Awaited<ReturnType<typeof deepPages>>} DeepPages */

/**
 * @param {{ pipes: number, puts: number, runs: number, changes: number, log: (line: string) => void }} options
 *   pipes: in the bucket; puts: of the latency series, per archive setting (split over the rounds);
 *   runs: openings of /feed counted per archive; changes: records published straight to the archive
 */
export async function archive({ pipes: pipeCount, puts, runs, changes, log }) {
  const runClock = startRun();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  const jsm = await jetstreamManager(writer);
  const js = jetstream(writer);
  /** @type {Started | undefined} */
  let started;
  /** @type {import('@playwright/test').Browser | undefined} */
  let browser;
  const closeBrowser = onCleanup(() => browser?.close());
  /** @type {{ at: number, text: string }[]} */
  const serverWarnings = [];
  /** @param {Omit<Parameters<typeof startConsole>[0], 'natsUrl' | 'appDir' | 'dataDir' | 'jsm'>} options */
  const consoleWith = async (options) => {
    started = await startConsole({ natsUrl: nats.url, appDir: app.dir, dataDir, jsm, ...options });
    return started;
  };
  const stopConsole = async () => {
    if (!started) return;
    serverWarnings.push(...started.server.linesMatching(/ (warn|error) /i));
    await started.server.stop();
    started = undefined;
  };
  try {
    const { kv, pipes } = await seedBucket(writer, pipeCount);
    const scope = await scopeOf(jsm, BUCKET);
    const value = probeValues();
    let seq = 0;
    const nextValue = () => value(seq++);
    await kv.put(PROBE_KEY, nextValue()); // so that every console lists the same pipes from the start
    let listed = pipeCount + 1;

    // 1. The live path with the archive off and on.
    const perRound = Math.ceil(puts / ROUNDS);
    /** @type {Record<'off' | 'on', { latencies: number[], cpuMsPerPut: number[], missing: number[], archived: number[], readyMs: number[] }>} */
    const live = {
      off: { latencies: [], cpuMsPerPut: [], missing: [], archived: [], readyMs: [] },
      on: { latencies: [], cpuMsPerPut: [], missing: [], archived: [], readyMs: [] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of /** @type {const} */ (['off', 'on'])) {
        log(`live path, archive ${mode}, round ${round + 1} of ${ROUNDS}: ${perRound} puts (+${WARMUP_PUTS} warm-up), 1 SSE client`);
        const { server, readyMs, settled } = await consoleWith({ listed, stream: mode === 'on' ? STREAM : 'off' });
        const one = await oneClient({ server, kv, nextValue, count: perRound, log });
        const after = mode === 'on' ? await waitForArchive(server, { jsm, stream: STREAM, state: 'ok' }) : settled;
        const s = live[mode];
        s.latencies.push(...one.latencies);
        s.cpuMsPerPut.push(one.consoleCpuMsPerPut);
        s.missing.push(...one.missing);
        s.archived.push(after.records - settled.records);
        s.readyMs.push(readyMs);
        await stopConsole();
      }
    }
    // What follows starts from an empty archive. nats-server 2.9 removes a deleted stream's files
    // after it answers, and a stream created again at once under the same name loses its own to
    // that removal: the next console creates it a moment later.
    await jsm.streams.delete(STREAM);
    await sleep(RECREATE_PAUSE_MS);

    // 2 and 3 against the small archive: the bucket's own revisions, then the deep key's.
    const held = (await jsm.streams.info(`KV_${BUCKET}`)).state.messages;
    log(`small archive: a fresh console fills in the ${held} revisions the bucket holds`);
    const small = await consoleWith({ listed, stream: STREAM, atLeast: held });
    const oneRevisionKey = pipes[0].key;
    const pages = { js, jsm, oneRevisionKey, log };
    const smallPages = await firstPages(small, { ...pages, records: small.settled.records, newest: await bucketRevision(jsm, BUCKET) });
    log(`writing ${DEEP_REVISIONS} revisions of ${DEEP_KEY} through the console's PUT`);
    const t0 = performance.now();
    const deepRevisions = await writeThroughApi(small.server, DEEP_KEY, DEEP_REVISIONS);
    const deepWriteMs = performance.now() - t0;
    listed++;
    const deepArchived = await waitForRecords(jsm, STREAM, small.settled.records + DEEP_REVISIONS);
    const smallWithDeep = await waitForArchive(small.server, { jsm, stream: STREAM, state: 'ok', atLeast: deepArchived.messages });
    const smallDeep = await deepPages(small, { js, jsm, scope, deepRevisions, records: smallWithDeep.records, log });
    await stopConsole();

    // The large archive: `changes` records straight to the stream, after the bucket's revisions.
    const firstRevision = (await bucketRevision(jsm, BUCKET)) + 1;
    log(`publishing ${changes} records straight to ${STREAM} (revisions ${firstRevision}…)`);
    const seeded = await seedArchive(writer, { stream: STREAM, scope, count: changes, firstRevision });
    const seededCheck = await waitForRecords(jsm, STREAM, smallWithDeep.records + changes);
    log(`${seededCheck.messages} records in ${STREAM} after ${Math.round(seeded.publishMs)} ms`);

    log('large archive: a fresh console');
    const large = await consoleWith({ listed, stream: STREAM, atLeast: seededCheck.messages });
    const largePages = await firstPages(large, { ...pages, records: large.settled.records, newest: firstRevision + changes - 1 });
    const largeDeep = await deepPages(large, { js, jsm, scope, deepRevisions, records: large.settled.records, log });

    // 4. The feed, on the large archive and then on an archive of FLOOR_CHANGES changes.
    log(`/feed in headless Chromium: ${runs} openings (+1 warm-up) on the large archive`);
    browser = await launchChromium();
    const feedLarge = await feedOpens({ browser, server: large.server, rows: PAGE_LIMIT, runs });
    await stopConsole();
    await seedFloorBucket(writer);
    log(`/feed on an archive of ${FLOOR_CHANGES} changes (bucket ${FLOOR_BUCKET}, stream ${FLOOR_STREAM})`);
    const floor = await consoleWith({ listed: 1, bucket: FLOOR_BUCKET, stream: FLOOR_STREAM, atLeast: FLOOR_CHANGES });
    const feedFloor = await feedOpens({ browser, server: floor.server, rows: FLOOR_CHANGES, runs });
    const browserVersion = browser.version();
    await browser.close();
    browser = undefined;
    await stopConsole();

    const { durationMs, loadavgAfter } = runClock.end();
    const { results, report } = summariseRun({
      startedAt: runClock.startedAt,
      durationMs,
      machine: machineFacts(runClock, loadavgAfter, { chromium: browserVersion }),
      build: { id: app.buildId, builtAt: app.builtAt },
      pipes: pipeCount,
      puts,
      perRound,
      rounds: ROUNDS,
      runs,
      changes,
      live,
      small: { ...small, pages: smallPages, deep: smallDeep },
      large: { ...large, pages: largePages, deep: largeDeep },
      deepWrite: { revisions: deepRevisions.length, ms: deepWriteMs, archivedAfterMs: deepArchived.waitedMs },
      seeded,
      feed: { large: feedLarge, floor: feedFloor, floorRecords: floor.settled.records },
      serverWarnings,
    });
    return { name: 'archive', results, report };
  } finally {
    await browser?.close();
    closeBrowser();
    await stopConsole();
    await env.close();
  }
}

const historyPath = (/** @type {string} */ key) => `/api/pipes/${encodeURIComponent(key)}/history`;

/**
 * Checks a history page: `entries` entries, and a next page or none.
 * @param {number} entries
 * @param {boolean} more
 */
const expectHistory = (entries, more) => (/** @type {any} */ body) => {
  const got = `${body.history.length} entries, next ${body.next}`;
  if (body.history.length !== entries || (body.next !== null) !== more)
    throw new Error(`history page: expected ${entries} entries, got ${got}`);
  return got;
};

/**
 * What both archives are measured on alike: RSS once ready; the first page of changes, and the
 * same records read straight from the stream; the history of a key with one revision; RSS after.
 * @param {Started} started
 * @param {{ js: JetStreamClient, jsm: JetStreamManager, records: number, newest: number, oneRevisionKey: string, log: (line: string) => void }} options
 *   newest: the revision of the archive's newest change
 */
async function firstPages({ server }, { js, jsm, records, newest, oneRevisionKey, log }) {
  const rssReady = memoryOf(server.pid);
  const cpuBefore = cpuMsOf(server.pid);
  log(`GET /api/changes?limit=${PAGE_LIMIT} and the history of a key with 1 revision, archive of ${records} records`);
  const expected = Math.min(PAGE_LIMIT, records);
  const changes = await timeCalls(
    apiGet(server, `/api/changes?limit=${PAGE_LIMIT}`, (body) => {
      const got = `${body.changes.length} changes from revision ${body.changes[0]?.revision}, next ${body.next}`;
      if (body.changes.length !== expected || body.changes[0].revision !== newest)
        throw new Error(`changes page: expected ${expected} changes from revision ${newest}, got ${got}`);
      return got;
    }),
  );
  const oneRevision = await timeCalls(apiGet(server, historyPath(oneRevisionKey), expectHistory(1, false)));
  const rssAfterPages = memoryOf(server.pid);
  const cpuMs = cpuMsOf(server.pid) - cpuBefore;
  const rawChanges = await timeCalls(async () => {
    const { lastSeq } = await streamState(jsm, STREAM);
    return readRecords(js, { stream: STREAM, fromSeq: lastSeq - expected + 1, count: expected });
  });
  return { rssReady, rssAfterPages, cpuMs, changes, oneRevision, rawChanges };
}

/**
 * The first page of the deep key's history, and its records read straight from the stream three
 * ways: the page's records through one consumer, every record of the key through one consumer
 * (what the console's reader scans), and the page's records by subject after listing the key's.
 * @param {Started} started
 * @param {{ js: JetStreamClient, jsm: JetStreamManager, scope: import('./archive/setup.mjs').Scope, deepRevisions: number[], records: number,
 *   log: (line: string) => void }} options
 */
async function deepPages({ server }, { js, jsm, scope, deepRevisions, records, log }) {
  log(`history of ${DEEP_KEY} (${deepRevisions.length} revisions), archive of ${records} records; the same records with nats.js`);
  const history = await timeCalls(apiGet(server, historyPath(DEEP_KEY), expectHistory(PAGE_LIMIT, true)));
  const filter = keyFilter(STREAM, scope, DEEP_KEY);
  const pageOldest = deepRevisions[deepRevisions.length - PAGE_LIMIT];
  const first = await jsm.streams.getMessage(STREAM, { last_by_subj: recordSubject(STREAM, scope, DEEP_KEY, pageOldest) });
  if (!first) throw new Error(`the archive holds no record of ${DEEP_KEY} revision ${pageOldest}`);
  const rawPage = await timeCalls(() => readRecords(js, { stream: STREAM, filter, fromSeq: first.seq, count: PAGE_LIMIT }));
  const rawAll = await timeCalls(() => readRecords(js, { stream: STREAM, filter, fromSeq: 1, count: deepRevisions.length }));
  const rawBySubjects = await timeCalls(() => readBySubjects(jsm, { stream: STREAM, filter, count: PAGE_LIMIT }));
  return { records, history, rawPage, rawAll, rawBySubjects };
}
