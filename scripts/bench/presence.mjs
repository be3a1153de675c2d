// Presence under load, each figure beside a floor measured in the same run. One nats-server
// (temp store) and two console instances A and B on it (server.mjs, the production build,
// 127.0.0.1), with PIPES_PRESENCE_INTERVAL_MS=1000 so that a short run covers many heartbeats.
// SSE_CLIENTS event streams on each instance (in this process) keep every `presence` event; a raw
// nats.js subscriber counts the instances' messages on pipes-console.<bucket>.presence.
//   1. idle floor: the two consoles with their SSE clients and no tabs, for IDLE_MS — console CPU
//      (/proc, ms per second of wall time), RSS, presence events and bytes per second per client,
//      messages per second on the presence subject, nats-server CPU.
//   2. load: `tabs` simulated browser tabs in a separate node process (presence/tabs-process.mjs;
//      node:http with keep-alive, a session cookie per user, split evenly over A and B), each
//      heartbeating every interval, moving every few seconds to another of the bucket's `pipes`
//      pipes, toggling editing now and then, some saying goodbye and coming back. The same figures
//      as the idle floor over the probe phase (after WARMUP_MS), beside it with the ratio; events
//      per second per client beside the coalescing cap (4 a second); subject messages beside the
//      posts the consoles accepted (one message each is the floor of sharing every report); the
//      consoles' CPU per accepted post beside their CPU per trivial authenticated request (GET
//      /api/session with the same session cookies, back to back, just before the tabs open): what
//      Next's own handling of any request costs, of which presence's own work is the rest.
//   3. propagation, during the load: a probe tab posts to A a key nobody else has; the time from
//      just before its POST until the first (and the last) of B's SSE clients lists that key in a
//      presence event, `runs` probes spaced PROBE_GAP_MS apart. Floor: a raw nats.js core publish
//      → subscribe between two connections, RAW_PER_PROBE of them after each probe (same load,
//      same moment); the coalescing window (COALESCE_MS) is printed as the upper bound of what the
//      console may add on top of its POST handling and that floor. A's own clients (the local
//      path) and the probe POST's round trip are printed beside it.
// One wall clock for all of it: the probe and the SSE clients share this process.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { STREAM, waitForArchive } from './archive/setup.mjs';
import { openBenchEnvironment } from './lib/bench-environment.mjs';
import { machineFacts, now, startRun } from './lib/clock.mjs';
import { spawnConsole, waitForList } from './lib/console-process.mjs';
import { makePipes, putAll } from './lib/pipes.mjs';
import { cpuMsOf, memoryOf, socketCountOf } from './lib/proc.mjs';
import { countSubject, openNatsFloor, openWatcher, PROBE_PREFIX, startTabs } from './presence/measure.mjs';
import {
  BUCKET,
  IDLE_MS,
  INTERVAL_MS,
  PRESENCE_SUBJECT,
  PROBE_GAP_MS,
  RAW_PER_PROBE,
  SSE_CLIENTS,
  TAB_BEHAVIOUR,
  WARMUP_MS,
} from './presence/plan.mjs';
import { summariseRun } from './presence/report.mjs';

const HISTORY = 3;
const FLOOR_SUBJECT = 'bench.presence.floor';
/**
 * After the archive has settled, before the idle floor: V8 shrinks a fresh process's heap with a
 * few full collections some seconds after its start-up, which would land in the idle window.
 */
const SETTLE_MS = 8_000;
const PROBE_TAB = 'bench-probe-tab';
/** The request floor: at least this many trivial authenticated GETs, this many in flight, after a warm-up. */
const REQUEST_FLOOR_MIN = 1_000;
const REQUEST_FLOOR_WARMUP = 200;
const REQUEST_FLOOR_CONCURRENCY = 8;
/** A user has about this many tabs. */
const TABS_PER_USER = 4;
const CONSOLES = 2;

/** @typedef {Awaited<ReturnType<typeof spawnConsole>>} Console */

/**
 * What is read at both ends of a window; the report takes the differences.
 * @param {{ consoles: Console[], natsPid: number, tabsPid?: number, counter: Awaited<ReturnType<typeof countSubject>> }} subjects
 */
function sampleOf({ consoles, natsPid, tabsPid, counter }) {
  return {
    at: now(),
    consoles: consoles.map((c) => ({ cpuMs: cpuMsOf(c.pid), ...memoryOf(c.pid), sockets: socketCountOf(c.pid) })),
    natsCpuMs: cpuMsOf(natsPid),
    tabs: tabsPid === undefined ? undefined : { cpuMs: cpuMsOf(tabsPid), ...memoryOf(tabsPid), sockets: socketCountOf(tabsPid) },
    benchCpuMs: (() => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    })(),
    subject: counter.read(),
  };
}

/**
 * @param {{ tabs: number, pipes: number, runs: number, log: (line: string) => void }} options
 *   tabs: simulated tabs over both consoles; pipes: in the bucket, the tabs move among them; runs: probes
 */
export async function presence({ tabs: tabCount, pipes: pipeCount, runs: probes, log }) {
  const runClock = startRun();
  const env = await openBenchEnvironment();
  const { app, nats, writer, dataDir } = env;
  /** @type {Console[]} */
  const consoles = [];
  /** @type {(() => Promise<void> | void)[]} what the run opened, closed newest first */
  const closers = [];
  try {
    const kv = await new Kvm(writer).create(BUCKET, { history: HISTORY });
    const pipes = makePipes(pipeCount);
    await putAll(kv, pipes);
    const jwtSecret = randomBytes(32).toString('base64url');
    const consoleEnv = { PIPES_DATA_DIR: dataDir, PIPES_PRESENCE_INTERVAL_MS: String(INTERVAL_MS), PIPES_JWT_SECRET: jwtSecret };
    log(`starting consoles A and B (server.mjs), PIPES_PRESENCE_INTERVAL_MS=${INTERVAL_MS}`);
    for (let i = 0; i < CONSOLES; i++) consoles.push(await spawnConsole(nats.url, { appDir: app.dir, env: consoleEnv }));
    await Promise.all(consoles.map((c) => waitForList(c, pipeCount)));
    // The idle floor starts once the archive holds the bucket's revisions (its fill-in after a
    // start is work of its own) and the consoles have had SETTLE_MS more.
    const jsm = await jetstreamManager(writer);
    for (const c of consoles) await waitForArchive(c, { jsm, stream: STREAM, state: 'ok', atLeast: pipeCount });
    const [a] = consoles;

    const counter = await countSubject(nats.url, PRESENCE_SUBJECT);
    closers.push(() => counter.close());
    const floor = await openNatsFloor(nats.url, FLOOR_SUBJECT);
    closers.push(() => floor.close());
    const watchers = await Promise.all(consoles.map((c) => Promise.all(Array.from({ length: SSE_CLIENTS }, () => openWatcher(c)))));
    for (const w of watchers.flat()) closers.push(() => w.close());
    await sleep(SETTLE_MS);

    log(`idle floor: ${IDLE_MS / 1000} s, ${SSE_CLIENTS} SSE clients on each console, no tabs`);
    const subjects = { consoles, natsPid: nats.pid, counter };
    const idleFrom = sampleOf(subjects);
    await sleep(IDLE_MS);
    const idleTo = sampleOf(subjects);

    const users = Math.max(CONSOLES, Math.round(tabCount / TABS_PER_USER / CONSOLES) * CONSOLES);
    log(`signing in ${users} users in a separate process`);
    const tabsProcess = await startTabs({
      jwtSecret,
      plan: {
        urls: consoles.map((c) => c.url),
        tabs: tabCount,
        users,
        keys: pipes.map((p) => p.key),
        intervalMs: INTERVAL_MS,
        signInConcurrency: 16,
        ...TAB_BEHAVIOUR,
      },
    });
    closers.push(() => tabsProcess.stop());

    const requestCount = Math.max(REQUEST_FLOOR_MIN, 2 * tabCount);
    log(
      `request floor: ${requestCount} GET /api/session (+${REQUEST_FLOOR_WARMUP} warm-up), ${REQUEST_FLOOR_CONCURRENCY} in flight, over both consoles`,
    );
    await tabsProcess.requests(REQUEST_FLOOR_WARMUP, REQUEST_FLOOR_CONCURRENCY); // the route's first calls load and compile it
    const requestsFrom = sampleOf(subjects);
    const requestFloor = await tabsProcess.requests(requestCount, REQUEST_FLOOR_CONCURRENCY);
    const requestsTo = sampleOf(subjects);

    log(`opening ${tabCount} tabs, about ${Math.ceil(tabCount / CONSOLES)} on each console`);
    const ready = await tabsProcess.open();
    log(`every tab posted within ${Math.round(ready.openMs)} ms; warm-up ${WARMUP_MS / 1000} s`);
    await sleep(WARMUP_MS);
    tabsProcess.check();

    log(`load: ${probes} probes A → B, ${RAW_PER_PROBE} raw NATS pings after each`);
    const loaded = { ...subjects, tabsPid: tabsProcess.pid };
    const tabsFrom = await tabsProcess.mark();
    const loadFrom = sampleOf(loaded);
    /** @type {{ key: string, status: number, postMs: number, onB: (number | undefined)[], onA: (number | undefined)[] }[]} */
    const probeRuns = [];
    /** @type {(number | undefined)[]} */
    const rawPings = [];
    let probePosts = 0;
    /** @param {string | null} key */
    const probePost = async (key) => {
      probePosts++;
      const res = await fetch(`${a.url}/api/presence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tab: PROBE_TAB, key, editing: false }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    for (let i = 0; i < probes; i++) {
      await sleep(PROBE_GAP_MS[0] + Math.random() * (PROBE_GAP_MS[1] - PROBE_GAP_MS[0]));
      const key = `${PROBE_PREFIX}${String(i).padStart(4, '0')}`;
      const sightings = Promise.all(watchers.map((list) => Promise.all(list.map((w) => w.sighting(key)))));
      const t0 = now();
      const status = await probePost(key);
      const postMs = now() - t0;
      const [onA, onB] = await sightings;
      /** @param {(number | undefined)[]} list */
      const since = (list) => list.map((at) => (at === undefined ? undefined : at - t0));
      probeRuns.push({ key, status, postMs, onA: since(onA), onB: since(onB) });
      if (onB.some((at) => at === undefined)) log(`probe ${key}: not listed by every SSE client of B within 5 s`);
      for (let r = 0; r < RAW_PER_PROBE; r++) {
        await sleep(20 + Math.random() * 80);
        rawPings.push(await floor.ping());
      }
      tabsProcess.check();
    }
    const loadTo = sampleOf(loaded);
    const tabsTo = await tabsProcess.mark();
    const lastFrames = watchers.map((list) => list.map((w) => w.frames.at(-1)));
    await probePost(null); // the probe tab's goodbye
    const tabsSummary = await tabsProcess.finish();

    const serverWarnings = consoles.flatMap((c, i) => c.linesMatching(/ (warn|error) /i).map((l) => ({ console: 'AB'[i], ...l })));
    const streamsEnded = watchers.flat().filter((w) => w.ended()).length;
    const { durationMs, loadavgAfter } = runClock.end();
    return {
      name: 'presence',
      ...summariseRun({
        startedAt: runClock.startedAt,
        durationMs,
        machine: machineFacts(runClock, loadavgAfter),
        build: { id: app.buildId, builtAt: app.builtAt },
        tabs: tabCount,
        users,
        pipes: pipeCount,
        probes,
        consolePids: consoles.map((c) => c.pid),
        announcedIntervalMs: watchers.flat().map((w) => w.intervalMs()),
        idle: { from: idleFrom, to: idleTo },
        load: { from: loadFrom, to: loadTo },
        watchers: watchers.map((list) => list.map((w) => ({ frames: w.frames, counts: w.counts }))),
        lastFrames,
        tabsProcess: { signInMs: tabsProcess.signInMs, ready, from: tabsFrom, to: tabsTo, summary: tabsSummary },
        requestFloor: { ...requestFloor, from: requestsFrom, to: requestsTo },
        probeRuns,
        probePosts,
        rawPings,
        streamsEnded,
        serverWarnings,
      }),
    };
  } finally {
    for (const close of closers.reverse()) await close();
    for (const c of consoles) await c.stop();
    await env.close();
  }
}

/** @typedef {ReturnType<typeof sampleOf>} PresenceSample */
