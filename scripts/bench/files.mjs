// The files CLI (`npm run pipes`, scripts/pipes.mjs) with a bucket of `pipes` pipes, each figure
// beside a floor measured in the same run. One nats-server (temp store), the production build
// (server.mjs, 127.0.0.1), one console at a time; every command is a child process of node,
// timed from spawn to exit, with its peak RSS and CPU (files/usage-preload.mjs), `runs` times:
//   1. export: `export DIR` (pipes.json) into a fresh folder, beside a fresh node that does one
//      GET /api/pipes and writes the same five fields as one JSON file (files/floor-process.mjs),
//      and beside a raw KV listing (a nats.js watch of the bucket in a fresh node). The same for
//      `export DIR --format sql` (its floor writes one .sql file per pipe). Goal: ≤ 2 s.
//   2. diff with no change (exit 0), beside the floor process reading the file and comparing.
//   3. rounds of an edit of every pipe: the API floor — the same number of compare-and-set PUTs
//      by a minimal node:http keep-alive client in this process, one after the other, and again
//      WRITES_IN_FLIGHT at a time as the CLI sends them — and the raw KV floor (`update` with the
//      revision, sequential) each write an edit of every pipe; then the folder gets another edit
//      of all of them, `diff DIR` (exit 1) and `import DIR` apply it (its progress lines kept),
//      with the console's RSS before and after and the CPU of the CLI, the console and
//      nats-server over the import. Goal: ≤ 30 s. Between the phases the console's cache and
//      archive settle (its start-up fill-in included), so no phase pays for another.
//   4. creates: `import DIR` of a folder without a sidecar into an empty bucket (a console of
//      its own), beside the API floor creating the same pipes (If-None-Match: *) through another
//      fresh console on another empty bucket, and raw KV `create`s — once each.
// The pieces: files/setup.mjs (pipes, bucket, edits, folders), files/measure.mjs (how each
// figure is taken), files/report.mjs (results JSON and the printed table).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { STREAM, waitForArchive } from './archive/setup.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { machineFacts, startRun } from './lib/clock.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { cpuMsOf, memoryOf } from './lib/proc.mjs';
import {
  apiWritesFloor,
  cliOf,
  expectCode,
  floorProcess,
  listing,
  progressLines,
  rawKvFloor,
  quiet,
  rawListingProcess,
} from './files/measure.mjs';
import { summariseRun } from './files/report.mjs';
import {
  BUCKET,
  CREATE_BUCKET,
  CREATE_FLOOR_BUCKET,
  CREATE_RAW_BUCKET,
  edited,
  HISTORY,
  seedBucket,
  tempFolder,
  writeFolder,
} from './files/setup.mjs';
import { WRITES_IN_FLIGHT } from '../../lib/files/apply.mjs';
import { PIPES_FILE } from '../../lib/files/pipes-json.mjs';

/** @typedef {Awaited<ReturnType<typeof spawnConsole>>} Console */
/** @typedef {import('./files/measure.mjs').CommandRun} CommandRun */
/** @typedef {import('./files/setup.mjs').SeedPipe} SeedPipe */

/**
 * @param {{ pipes: number, runs: number, log: (line: string) => void }} options
 *   pipes: in the bucket (and in every folder); runs: of each command, and edit rounds
 */
export async function files({ pipes: pipeCount, runs, log }) {
  const runClock = startRun();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  const jsm = await jetstreamManager(writer);
  const kvm = new Kvm(writer);
  /** @type {Console | undefined} */
  let server;
  /** @type {{ at: number, text: string }[]} */
  const serverWarnings = [];
  /** @param {string} bucket  @param {number} listed */
  const startConsole = async (bucket, listed) => {
    const started = await spawnConsole(nats.url, { appDir: app.dir, env: { PIPES_DATA_DIR: dataDir, PIPES_BUCKET: bucket } });
    server = started;
    await waitForList(started, listed);
    await waitForArchive(started, { jsm, stream: STREAM, state: 'ok', atLeast: listed });
    await settle(started, bucket);
    return started;
  };
  const stopConsole = async () => {
    if (!server) return;
    serverWarnings.push(...server.linesMatching(/ (warn|error) /i));
    await server.stop();
    server = undefined;
  };
  /**
   * The cache has every write, the archive has recorded them and its fill-in is over: the next
   * phase starts quiet. @param {Console} s  @returns {Promise<{ waitedMs: number }>}
   */
  const settle = async (s, bucket = BUCKET) => {
    const { state } = await jsm.streams.info(`KV_${bucket}`);
    const waitedMs = await quiet(s, state.last_seq);
    const stable = await waitForArchive(s, { jsm, stream: STREAM, state: 'ok' });
    return { waitedMs: waitedMs + stable.waitedMs };
  };
  try {
    log(`seeding ${pipeCount} pipes straight into KV`);
    const seeded = await seedBucket(writer, pipeCount);
    log('starting the console (server.mjs) and waiting for its archive to record the bucket');
    const main = await startConsole(BUCKET, pipeCount);
    const cli = cliOf(main);

    // The first commands after a start read the CLI's modules from disk and the route's first
    // answers compile: reported, not counted.
    log('warm-up: one export and one floor export, not counted');
    const warm = tempFolder('warm-up');
    const warmUp = expectCode(await cli('export', warm.dir), 0);
    await floorProcess(main, 'export-json', warm.dir);
    warm.remove();

    // 1. Export, each command into a folder of its own; the series take turns.
    /** @type {Exports} */
    const exports = { json: [], jsonFloor: [], sql: [], sqlFloor: [], rawListing: [] };
    const diffFolder = tempFolder('diff');
    let exportBytes = 0;
    for (let i = 0; i < runs; i++) {
      log(`export ${i + 1}/${runs}: pipes.json, its floor, .sql files, their floor, a raw KV listing in a fresh node`);
      const json = i === runs - 1 ? diffFolder : tempFolder('export-json');
      exports.json.push(expectCode(await cli('export', json.dir), 0));
      exportBytes = statSync(join(json.dir, PIPES_FILE)).size;
      if (json !== diffFolder) json.remove();
      const jsonFloor = tempFolder('floor-json');
      exports.jsonFloor.push(await floorProcess(main, 'export-json', jsonFloor.dir));
      jsonFloor.remove();
      const sql = tempFolder('export-sql');
      exports.sql.push(expectCode(await cli('export', sql.dir, '--format', 'sql'), 0));
      sql.remove();
      const sqlFloor = tempFolder('floor-sql');
      exports.sqlFloor.push(await floorProcess(main, 'export-sql', sqlFloor.dir));
      sqlFloor.remove();
      exports.rawListing.push(await rawListingProcess(nats.url, BUCKET));
    }

    // 2. Diff of the folder just exported: no change.
    /** @type {Record<'same' | 'sameFloor', CommandRun[]>} */
    const diffs = { same: [], sameFloor: [] };
    for (let i = 0; i < runs; i++) {
      log(`diff ${i + 1}/${runs}, no change: the CLI and its floor`);
      diffs.same.push(expectCode(await cli('diff', diffFolder.dir), 0));
      const floor = await floorProcess(main, 'diff', diffFolder.dir);
      if (floor.result.differing !== 0) throw new Error(`the diff floor found ${floor.result.differing} differing pipes in a fresh export`);
      diffs.sameFloor.push(floor);
    }
    diffFolder.remove();

    // 3. Rounds of an edit of every pipe.
    /** @type {SeedPipe[]} */
    let current = seeded.pipes;
    const rssBeforeRounds = memoryOf(main.pid);
    /** @type {Round[]} */
    const rounds = [];
    for (let round = 0; round < runs; round++) {
      const settledBefore = await settle(main);
      const before = await listing(main);
      const revisionOf = new Map(before.pipes.map((e) => [e.key, e.revision]));
      log(`round ${round + 1}/${runs}: API floor, ${pipeCount} sequential compare-and-set PUTs (keep-alive node:http)`);
      const apiEdit = current.map((p) => edited(p, `floor ${round + 1}`));
      const apiFrom = sample(main.pid, nats.pid);
      const api = await apiWritesFloor(
        main,
        apiEdit.map(({ key, value }) => ({
          key,
          body: JSON.stringify(value),
          precondition: { 'if-match': `"${revisionOf.get(key)}"` },
        })),
      );
      const apiTo = sample(main.pid, nats.pid);
      const settledAfterApi = await settle(main);
      log(`round ${round + 1}/${runs}: API floor, ${pipeCount} compare-and-set PUTs ${WRITES_IN_FLIGHT} at a time, as the CLI sends them`);
      const inFlightFrom = sample(main.pid, nats.pid);
      const inFlight = await apiWritesFloor(
        main,
        current.map((p) => {
          const { key, value } = edited(p, `floor in flight ${round + 1}`);
          return { key, body: JSON.stringify(value), precondition: { 'if-match': `"${api.revisions[key]}"` } };
        }),
        WRITES_IN_FLIGHT,
      );
      const inFlightTo = sample(main.pid, nats.pid);
      const settledAfterInFlight = await settle(main);
      log(`round ${round + 1}/${runs}: raw KV floor, ${pipeCount} sequential updates with the revision`);
      const raw = await rawKvFloor(
        await kvm.open(BUCKET),
        current.map((p) => {
          const { key, value } = edited(p, `raw ${round + 1}`);
          return { key, text: JSON.stringify(value), revision: inFlight.revisions[key] };
        }),
      );
      const settledAfterRaw = await settle(main);

      // The folder as an export right now would leave it, then every pipe edited in it.
      const folder = tempFolder(`import-${round + 1}`);
      const next = current.map((p) => edited(p, `files ${round + 1}`));
      writeFolder(folder.dir, next, raw.revisions);
      log(`round ${round + 1}/${runs}: diff with every pipe edited (exit 1), its floor`);
      const diffEdited = expectCode(await cli('diff', folder.dir), 1);
      const diffEditedFloor = await floorProcess(main, 'diff', folder.dir);
      if (diffEditedFloor.result.differing !== pipeCount)
        throw new Error(`the diff floor found ${diffEditedFloor.result.differing} differing pipes, expected ${pipeCount}`);

      log(`round ${round + 1}/${runs}: import, ${pipeCount} updates`);
      const from = sample(main.pid, nats.pid);
      const imported = expectCode(await cli('import', folder.dir), 0);
      const to = sample(main.pid, nats.pid);
      const settledAfterImport = await settle(main);
      const rssSettled = memoryOf(main.pid);
      const after = await listing(main);
      const applied = after.pipes.filter((e) => String(e.value?.sql).endsWith(`-- reviewed files ${round + 1}`)).length;
      if (applied !== pipeCount) throw new Error(`after the import ${applied} of ${pipeCount} pipes hold the folder's edit`);
      folder.remove();
      current = next;
      rounds.push({
        settledBeforeMs: settledBefore.waitedMs,
        api: { totalMs: api.totalMs, writes: api.writes, perWriteMs: api.perWriteMs, from: apiFrom, to: apiTo },
        apiArchiveSettleMs: settledAfterApi.waitedMs,
        inFlight: {
          totalMs: inFlight.totalMs,
          writes: inFlight.writes,
          perWriteMs: inFlight.perWriteMs,
          from: inFlightFrom,
          to: inFlightTo,
        },
        inFlightArchiveSettleMs: settledAfterInFlight.waitedMs,
        raw: { totalMs: raw.totalMs, writes: raw.writes, perWriteMs: raw.perWriteMs },
        rawArchiveSettleMs: settledAfterRaw.waitedMs,
        diffEdited,
        diffEditedFloor,
        imported,
        progress: progressLines(imported),
        from,
        to,
        importArchiveSettleMs: settledAfterImport.waitedMs,
        rssSettled,
      });
    }
    await stopConsole();

    // 4. Creates into empty buckets, one console each.
    log(`creates: API floor, ${pipeCount} sequential PUTs with If-None-Match: * through a console on an empty bucket`);
    await kvm.create(CREATE_FLOOR_BUCKET, { history: HISTORY });
    const floorConsole = await startConsole(CREATE_FLOOR_BUCKET, 0);
    const createApiFrom = sample(floorConsole.pid, nats.pid);
    const createApi = await apiWritesFloor(
      floorConsole,
      seeded.pipes.map(({ key, value }) => ({ key, body: JSON.stringify(value), precondition: { 'if-none-match': '*' } })),
    );
    const createApiTo = sample(floorConsole.pid, nats.pid);
    await stopConsole();
    log(`creates: import of ${pipeCount} pipes (no sidecar) through a console on another empty bucket`);
    await kvm.create(CREATE_BUCKET, { history: HISTORY });
    const createConsole = await startConsole(CREATE_BUCKET, 0);
    const createFolder = tempFolder('create');
    writeFolder(createFolder.dir, seeded.pipes, null);
    const createFrom = sample(createConsole.pid, nats.pid);
    const createImport = expectCode(await cliOf(createConsole)('import', createFolder.dir), 0);
    const createTo = sample(createConsole.pid, nats.pid);
    const created = (await listing(createConsole)).pipes.length;
    if (created !== pipeCount) throw new Error(`the create import left ${created} pipes, expected ${pipeCount}`);
    createFolder.remove();
    await stopConsole();
    log(`creates: raw KV floor, ${pipeCount} sequential creates`);
    const createRaw = await rawKvFloor(
      await kvm.create(CREATE_RAW_BUCKET, { history: HISTORY }),
      seeded.pipes.map(({ key, value }) => ({ key, text: JSON.stringify(value) })),
    );

    const { durationMs, loadavgAfter } = runClock.end();
    const { results, report } = summariseRun({
      startedAt: runClock.startedAt,
      durationMs,
      machine: machineFacts(runClock, loadavgAfter),
      build: { id: app.buildId, builtAt: app.builtAt },
      pipes: pipeCount,
      runs,
      seeded: { seedMs: seeded.seedMs, sizes: seeded.sizes, exportBytes },
      warmUp,
      exports,
      diffs,
      rssBeforeRounds,
      rounds,
      creates: {
        api: {
          totalMs: createApi.totalMs,
          writes: createApi.writes,
          perWriteMs: createApi.perWriteMs,
          from: createApiFrom,
          to: createApiTo,
        },
        imported: createImport,
        progress: progressLines(createImport),
        from: createFrom,
        to: createTo,
        raw: { totalMs: createRaw.totalMs, writes: createRaw.writes, perWriteMs: createRaw.perWriteMs },
      },
      serverWarnings,
    });
    return { name: 'files', results, report };
  } finally {
    await stopConsole();
    await env.close();
  }
}

/**
 * What is read at both ends of an import: the console's CPU and memory, nats-server's CPU.
 * @param {number} consolePid
 * @param {number} natsPid
 */
function sample(consolePid, natsPid) {
  return { console: { cpuMs: cpuMsOf(consolePid), ...memoryOf(consolePid) }, natsCpuMs: cpuMsOf(natsPid) };
}

/** @typedef {ReturnType<typeof sample>} Sample */
/**
 * @typedef {Record<'json' | 'jsonFloor' | 'sql' | 'sqlFloor', CommandRun[]> & { rawListing: Awaited<ReturnType<typeof rawListingProcess>>[] }} Exports
 */
/**
 * @typedef {{ totalMs: number, writes: number, perWriteMs: ReturnType<typeof import('./lib/stats.mjs').summarize> }} Writes
 */
/**
 * @typedef {{ settledBeforeMs: number, api: Writes & { from: Sample, to: Sample }, apiArchiveSettleMs: number,
 *   inFlight: Writes & { from: Sample, to: Sample }, inFlightArchiveSettleMs: number, raw: Writes, rawArchiveSettleMs: number,
 *   diffEdited: CommandRun, diffEditedFloor: CommandRun, imported: CommandRun, progress: { at: number, done: number }[],
 *   from: Sample, to: Sample, importArchiveSettleMs: number, rssSettled: { rssKiB: number, hwmKiB: number } }} Round
 */
