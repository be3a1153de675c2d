// The fault campaign: a 3-node NATS cluster, two consoles, counter writers through the consoles,
// raw writers straight to KV, SSE clients through cut proxies, and the faults of the plan drawn
// from the seed. At the end, the checks: every key's history linearizable, counters exact, every
// acknowledged change in the archive once, every client converged to the bucket, ids in order
// and every gap explained; and, after each fault, how long until every client had caught up.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startConsole } from '../lib/console-server.mjs';
import { startCluster } from './cluster.mjs';
import { startCutProxy } from './cut-proxy.mjs';
import { judgeClients, judgeHistories, purgedSoonAfter } from './judge.mjs';
import { classOf, NODE_SETTLE_MS, planFaults } from './plan.mjs';
import { seededRandom } from './random.mjs';
import { until, retry } from './poll.mjs';
import { bucketState, readArchive } from './reads.mjs';
import { archiveVerdict } from './verdicts.mjs';
import { SseClient } from './sse-client.mjs';
import { counterWriter, Gate, History, rawWriter } from './workload.mjs';

/** @typedef {import('./plan.d.mts').Fault} Fault */
/** @typedef {import('./campaign.d.mts').Report} Report */

const BUCKET = 'CHAOS_PIPES';
const ARCHIVE = 'CHAOS_AUDIT';
// Deep enough that no change is dropped by the history limit before an archive reads it: the
// writers change one key a few times a second at most.
const HISTORY = 64;
const COUNTERS = ['chaos_counter_1', 'chaos_counter_2'];
const WRITERS_PER_COUNTER = 3;
const RAW_KEYS = Array.from({ length: 24 }, (_, i) => `chaos_raw_${String(i + 1).padStart(2, '0')}`);
const SSE_CLIENTS = 4;
/** The writers stop this long before the end, so the last checks read a still bucket. */
const WRITERS_STOP_BEFORE_END_MS = 5_000;
const CONVERGE_TIMEOUT_MS = 60_000;

/**
 * @param {{ seconds: number, seed: number, kinds?: readonly import('./plan.d.mts').FaultKind[], log?: (line: string) => void }} options
 * @returns {Promise<Report>}
 */
export async function runCampaign({ seconds, seed, kinds, log = () => {} }) {
  const random = seededRandom(seed);
  const plan = planFaults({ seconds, random: random.fork(), kinds });
  const dir = mkdtempSync(join(tmpdir(), 'pipes-chaos-'));
  /** @type {(() => Promise<unknown> | unknown)[]} run last-first in `finally` */
  const cleanups = [];
  const problems = /** @type {string[]} */ ([]);
  try {
    const cluster = await startCluster({ dir });
    cleanups.push(() => cluster.stop());
    log(`cluster: ${cluster.servers}`);
    const nc = await connect({
      servers: cluster.servers.split(','),
      name: 'chaos-campaign',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // Notices a frozen node within a few seconds and moves to another.
      pingInterval: 2_000,
      maxPingOut: 2,
    });
    cleanups.push(() => nc.close());
    const js = jetstream(nc, { timeout: 4_000 });
    const jsm = await jetstreamManager(nc, { timeout: 4_000, checkAPI: false });
    const stream = `KV_${BUCKET}`;
    const createBucket = () => retry(() => new Kvm(js).create(BUCKET, { replicas: 3, history: HISTORY }), 30_000, 'create the bucket');
    let epoch = (await (await createBucket()).status()).streamInfo.created;

    const token = randomBytes(24).toString('base64url');
    const consoleEnv = (/** @type {number} */ i) => ({
      PIPES_ADMIN_TOKEN: token,
      PIPES_BUCKET: BUCKET,
      PIPES_AUDIT_STREAM: ARCHIVE,
      PIPES_DATA_DIR: join(dir, `console-${i}`),
    });
    const consoles = await Promise.all([0, 1].map((i) => startConsole(cluster.servers, { env: consoleEnv(i), timeoutMs: 60_000 })));
    /** Every console process started, restarts included, for their logs. */
    const launched = consoles.map((c, i) => ({ name: `console-${i + 1}`, server: c }));
    cleanups.push(() => Promise.all(consoles.map((c) => c.stop())));
    const proxies = await Promise.all(consoles.map((c) => startCutProxy({ port: c.port })));
    cleanups.push(() => Promise.all(proxies.map((p) => p.stop())));
    log(`consoles: ${consoles.map((c) => c.url).join(', ')}; proxies: ${proxies.map((p) => p.url).join(', ')}`);

    const sseClients = Array.from(
      { length: SSE_CLIENTS },
      (_, i) => new SseClient(`client ${i + 1}`, () => proxies.map((p) => p.url), token, random.fork(), i % 2),
    );
    sseClients.forEach((w) => w.start());
    cleanups.push(() => Promise.all(sseClients.map((w) => w.stop())));
    await until(() => sseClients.every((w) => w.order.loaded), 30_000, 'every client to get its first snapshot');

    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const writersEnd = seconds * 1000 - WRITERS_STOP_BEFORE_END_MS;
    const history = new History();
    const gate = new Gate();
    const shared = { epoch: () => epoch, history, gate, running: () => elapsed() < writersEnd };
    const writers = [
      ...COUNTERS.flatMap((key) =>
        Array.from({ length: WRITERS_PER_COUNTER }, () =>
          counterWriter({ ...shared, key, random: random.fork(), token, consoles: () => consoles.map((c) => c.url) }),
        ),
      ),
      ...[0, 1].map((w) =>
        rawWriter({
          ...shared,
          name: `raw${w + 1}`,
          // Each writer has keys of its own, and the last four are shared (concurrent writers).
          keys: RAW_KEYS.filter((_, i) => i >= 20 || i % 2 === w),
          bucket: BUCKET,
          js,
          random: random.fork(),
        }),
      ),
    ];

    /** @type {{ fault: Fault, healedAt: number, convergedMs?: number }[]} */
    const healed = [];
    /** @type {Map<string, import('./judge.mjs').State>} the old incarnations' last state, read before each was deleted */
    const lastStates = new Map();
    /** @type {number | undefined} when the old bucket was gone (its re-creation began) */
    let recreatedAt;
    const faultRandom = random.fork();
    const converging = /** @type {Promise<void>[]} */ ([]);

    /**
     * Records a healed fault and how long until every client reached what the writers had been
     * told by then; after the re-creation, from a snapshot sent since the new bucket existed.
     */
    const heal = (/** @type {Fault} */ fault) => {
      const entry = { fault, healedAt: elapsed() };
      healed.push(entry);
      const target = history.highest(epoch);
      const since = performance.now();
      const snapshotSince = fault.kind === 'recreate' ? recreatedAt : undefined;
      converging.push(
        until(
          () => sseClients.every((w) => w.order.at >= target && (snapshotSince === undefined || w.snapshotAt >= snapshotSince)),
          CONVERGE_TIMEOUT_MS,
          `every client to reach revision ${target} after ${describe(fault)}`,
          5,
        ).then(
          () => void (entry.convergedMs = performance.now() - since),
          (err) => void problems.push(/** @type {Error} */ (err).message),
        ),
      );
    };

    const leader = async () => {
      try {
        const name = (await jsm.streams.info(stream)).cluster?.leader;
        const node = name ? cluster.byName(name) : undefined;
        if (node) return node;
      } catch {
        // no leader right now: any node will do
      }
      return faultRandom.pick(cluster.nodes);
    };

    /** The last fault of each class: a node or console fault waits until the last one of its class is over (restart included). */
    const busy = {
      node: /** @type {Promise<unknown>} */ (Promise.resolve()),
      console: /** @type {Promise<unknown>} */ (Promise.resolve()),
    };
    /** @param {Fault} fault */
    const inject = (fault) => {
      const kind = classOf(fault.kind);
      if (kind !== 'node' && kind !== 'console') return act(fault);
      const task = busy[kind].then(() => act(fault));
      // A node back up rejoins and catches up before the next node fault, as the plan assumes.
      busy[kind] = task.catch(() => undefined).then(() => (kind === 'node' ? sleep(NODE_SETTLE_MS) : undefined));
      return task;
    };
    /** @param {Fault} fault */
    const act = async (fault) => {
      switch (fault.kind) {
        case 'node-kill':
        case 'leader-kill': {
          const node = fault.target === 'leader' ? await leader() : cluster.nodes[/** @type {number} */ (fault.target)];
          log(`${at()} ${fault.kind} ${node.name} for ${fault.lastsMs} ms`);
          await node.kill();
          await sleep(fault.lastsMs);
          await node.start();
          break;
        }
        case 'node-freeze':
        case 'leader-freeze': {
          const node = fault.target === 'leader' ? await leader() : cluster.nodes[/** @type {number} */ (fault.target)];
          log(`${at()} ${fault.kind} ${node.name} for ${fault.lastsMs} ms`);
          node.freeze();
          await sleep(fault.lastsMs);
          node.thaw();
          break;
        }
        case 'console-kill': {
          const i = /** @type {number} */ (fault.target);
          log(`${at()} console-kill console ${i + 1} for ${fault.lastsMs} ms`);
          process.kill(consoles[i].pid, 'SIGKILL');
          await until(() => consoles[i].exited(), 10_000, `console ${i + 1} to exit`);
          await sleep(fault.lastsMs);
          consoles[i] = await startConsole(cluster.servers, { env: consoleEnv(i), port: consoles[i].port, timeoutMs: 60_000 });
          launched.push({ name: `console-${i + 1}-restart-${launched.length - 1}`, server: consoles[i] });
          break;
        }
        case 'cut': {
          log(`${at()} cut ${fault.target === 'all' ? 'both proxies' : `proxy ${Number(fault.target) + 1}`}`);
          for (const p of fault.target === 'all' ? proxies : [proxies[/** @type {number} */ (fault.target)]]) p.cutAll();
          break;
        }
        case 'recreate': {
          log(`${at()} recreate: writers paused`);
          await gate.close();
          // The archive may still be filling in what a fault kept from it; what it has not got
          // once the bucket is gone it never gets (the end reports it as missing).
          const wanted = history.acked.filter((change) => change.epoch === epoch && !purgedSoonAfter(change, history, COUNTERS));
          await until(
            async () => archiveVerdict(await readArchive(js, jsm, ARCHIVE), wanted).missing === 0,
            30_000,
            'the archive to hold the old bucket',
            500,
          ).catch(() => undefined);
          const before = await bucketState(jsm, BUCKET);
          lastStates.set(epoch, before);
          await jsm.streams.delete(stream);
          // Any snapshot from here on is of the new bucket (a console may create it first).
          recreatedAt = performance.now();
          // nats-server 2.9 reports a stream deleted before its files are gone; one created
          // again at once loses its files to that removal (the console waits the same second).
          await sleep(1_500);
          epoch = (await (await createBucket()).status()).streamInfo.created;
          gate.open();
          log(`${at()} recreate: done, writers going on`);
          break;
        }
      }
      heal(fault);
    };
    const at = () => `[${(elapsed() / 1000).toFixed(1)} s]`;

    // The faults in plan order; a fault starts at its time, or once the re-creation is done.
    /** @type {Promise<void>[]} */
    const running = [];
    const faultsRun = (async () => {
      for (const fault of plan) {
        const wait = fault.at - elapsed();
        if (wait > 0) await sleep(wait);
        const task = inject(fault).catch((err) => void problems.push(`${describe(fault)}: ${/** @type {Error} */ (err).message}`));
        if (fault.kind === 'recreate') {
          await Promise.all(running);
          await task;
        } else running.push(task);
      }
      await Promise.all(running);
    })();

    await Promise.all(writers);
    await faultsRun;
    log(`${at()} writers stopped; faults done: checking`);
    await Promise.all(converging);

    // Every client converges to the bucket as it is now.
    const final = await bucketState(jsm, BUCKET);
    const same = (/** @type {SseClient} */ w) =>
      w.order.state.size === final.size && [...final].every(([key, entry]) => w.order.state.get(key) === entry.revision);
    await until(() => sseClients.every(same), 30_000, 'every client to hold the bucket as it is').catch((err) =>
      problems.push(
        `${/** @type {Error} */ (err).message}: ${sseClients
          .filter((w) => !same(w))
          .map((w) => w.name)
          .join(', ')} did not`,
      ),
    );
    lastStates.set(epoch, final);

    // Linearizability and counters, per incarnation and key.
    const { verdicts, counters, problems: historyProblems } = judgeHistories(history, lastStates, COUNTERS, seed);
    problems.push(...historyProblems);

    // The archive holds every acknowledged change once.
    const required = history.acked.filter((change) => !purgedSoonAfter(change, history, COUNTERS));
    /** @type {ReturnType<typeof archiveVerdict>} */
    let archive = { problems: [], missing: 0 };
    /** @type {import('./verdicts.d.mts').ArchivedRevision[]} */
    let records = [];
    await until(
      async () => {
        records = await readArchive(js, jsm, ARCHIVE);
        archive = archiveVerdict(records, required);
        return archive.missing === 0;
      },
      30_000,
      'the archive to hold every acknowledged change',
      500,
    ).catch(() => undefined); // what is still missing is reported below
    problems.push(...archive.problems);

    // Every client: its own complaints, and every gap explained.
    const clients = judgeClients(sseClients, history, records, { epoch, recreatedAt, depth: HISTORY });
    problems.push(...clients.problems);
    problems.push(...history.problems);
    // The consoles' own logs, kept where the report names them when something went wrong.
    const logs = problems.length === 0 ? undefined : mkdtempSync(join(tmpdir(), `pipes-chaos-${seed}-logs-`));
    if (logs) for (const { name, server } of launched) writeFileSync(join(logs, `${name}.log`), server.output());

    const faults = /** @type {Record<string, number>} */ ({});
    for (const { fault } of healed) faults[fault.kind] = (faults[fault.kind] ?? 0) + 1;
    const slowest = healed
      .filter((h) => h.convergedMs !== undefined)
      .sort((a, b) => /** @type {number} */ (b.convergedMs) - /** @type {number} */ (a.convergedMs))[0];
    return {
      seed,
      seconds,
      planned: plan.length,
      faults,
      ops: history.counts,
      acked: history.acked.length,
      lost: archive.missing + counters.filter((c) => c.problems.length > 0).length,
      verdicts,
      counters,
      archive: { records: records.length, required: required.length, missing: archive.missing },
      convergence: {
        longestMs: slowest?.convergedMs,
        after: slowest ? describe(slowest.fault) : undefined,
        each: healed.map((h) => ({
          fault: describe(h.fault),
          at: Math.round(h.healedAt),
          ms: h.convergedMs === undefined ? undefined : Math.round(h.convergedMs),
        })),
      },
      clients: sseClients.map((w) => ({
        name: w.name,
        connections: w.opened,
        events: w.order.events,
        snapshots: w.order.snapshots,
        gaps: w.order.gaps.length,
      })),
      unnamedGapRevisions: clients.unnamed,
      problems,
      logs,
    };
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {Fault} fault */
function describe(fault) {
  const target = typeof fault.target === 'number' ? ` ${fault.target + 1}` : fault.target === 'bucket' ? '' : ` ${fault.target}`;
  return `${fault.kind}${target} at ${(fault.at / 1000).toFixed(1)} s`;
}
