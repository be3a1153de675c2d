// The 1,000 browsers of the fan-out benchmark, in a process of their own (forked with an IPC
// channel by sse-latency.mjs, sustained.mjs and fanout.mjs, which runs two of them) so that their
// parsing does not share an event loop with the writer or the console. Opens `clients` streams
// to /api/events, waits until each has its snapshot, then for every `put` revision records when
// each client got it (now(): wall clock with sub-ms precision, the same clock the writer uses)
// and sends one message per revision once every client has it.
// Usage (forked): sse-fanout-process.mjs <events-url> <clients> <open-concurrency>
//   env BENCH_SSE_TOKEN: the bearer token (kept out of the process list)
// Messages to the parent: ready, put, clock, summary, fatal. From the parent: clock, finish (with
// `expectedPuts`, the summary counts the clients that got fewer).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { messageOf } from '../../lib/cli.mjs';
import { now } from './clock.mjs';
import { openSseStream } from './sse-stream.mjs';

const [url, clientArg, concurrencyArg] = process.argv.slice(2);
const clients = Number(clientArg);
const concurrency = Number(concurrencyArg ?? 100);
const token = process.env.BENCH_SSE_TOKEN;
if (!process.send) throw new Error('sse-fanout-process.mjs must be forked with an IPC channel');
const send = (/** @type {object} */ msg) => process.send?.(msg);
// The parent went away (crash, Ctrl-C): nothing to report to, so stop.
process.on('disconnect', () => process.exit(0));

const lastId = new Float64Array(clients).fill(-1);
const putsSeen = new Uint32Array(clients);
const snapshots = new Uint32Array(clients);
const lateSnapshots = new Uint32Array(clients);
const orderErrors = new Uint32Array(clients);
const otherEvents = new Uint32Array(clients);
const closedEarly = new Uint8Array(clients);
/** @type {({ close(): void } | undefined)[]} */
const streams = new Array(clients);
/** @type {Map<number, { times: Float64Array, count: number, handlerMs: number }>} revision → when each client got it (NaN: not yet) */
const pending = new Map();
let ready = 0;
let finishing = false;
let payloadMismatch = 0;
/** Bytes of the `data:` of the last put client 0 got: the payload, to compare servers by. */
let putDataBytes = 0;
/** @type {() => void} */
let allReady = () => {};
const readyPromise = new Promise((resolve) => (allReady = () => resolve(undefined)));

/**
 * @param {number} i the client
 * @param {import('../../../lib/live/sse-parser.d.mts').ParsedEvent} event
 * @param {number} arrivedAt
 */
function onEvent(i, { event, data, id }, arrivedAt) {
  if (event === 'status' || event === 'presence') return; // the link's state and who is where: not changes
  if (event === 'snapshot') {
    snapshots[i]++;
    if (lastId[i] < 0) {
      lastId[i] = Number(id);
      if (++ready === clients) allReady();
    } else {
      lateSnapshots[i]++; // sent again: the client fell behind or the bucket was recreated
      lastId[i] = Number(id);
    }
    return;
  }
  const revision = Number(id);
  if (!(revision > lastId[i])) orderErrors[i]++;
  lastId[i] = revision;
  if (event !== 'put') {
    otherEvents[i]++;
    return;
  }
  putsSeen[i]++;
  // One client checks that the event's id is the revision of the entry it carries.
  if (i === 0) {
    if (JSON.parse(data).revision !== revision) payloadMismatch++;
    putDataBytes = Buffer.byteLength(data);
  }
  let slot = pending.get(revision);
  if (!slot) {
    slot = { times: new Float64Array(clients).fill(NaN), count: 0, handlerMs: 0 };
    pending.set(revision, slot);
  }
  if (Number.isNaN(slot.times[i])) {
    slot.times[i] = arrivedAt;
    slot.count++;
  } else {
    orderErrors[i]++; // the same revision twice
  }
  slot.handlerMs += now() - arrivedAt; // this client's decode + parse of the chunk, up to here
  if (slot.count === clients) {
    pending.delete(revision);
    send({ type: 'put', revision, times: Array.from(slot.times), handlerMs: slot.handlerMs });
  }
}

async function openAll() {
  /** @type {string[]} */
  const errors = [];
  let next = 0;
  const worker = async () => {
    while (next < clients) {
      const i = next++;
      try {
        streams[i] = await openSseStream({
          url,
          token,
          onEvent: (event, at) => onEvent(i, event, at),
          onEnd: (err) => {
            if (!finishing) {
              closedEarly[i] = 1;
              if (err) errors.push(`client ${i}: ${err.message}`);
            }
          },
        });
      } catch (err) {
        errors.push(`client ${i}: ${messageOf(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients) }, worker));
  return errors;
}

const delay = monitorEventLoopDelay({ resolution: 1 });
try {
  const t0 = now();
  const openErrors = await openAll();
  const openedAt = now();
  if (openErrors.length) {
    send({ type: 'fatal', message: `${openErrors.length} of ${clients} streams failed to open; first: ${openErrors[0]}` });
    process.exit(1);
  }
  const timeout = setTimeout(() => {
    send({ type: 'fatal', message: `only ${ready} of ${clients} streams got their snapshot within 120 s` });
    process.exit(1);
  }, 120_000);
  await readyPromise;
  clearTimeout(timeout);
  const snapshotRevisions = [...new Set(lastId)];
  delay.enable();
  const cpuAtReady = process.cpuUsage();
  send({ type: 'ready', openMs: openedAt - t0, allSnapshotsMs: now() - t0, snapshotRevisions });

  process.on('message', (/** @type {{ type?: string, t?: number, expectedPuts?: number } | undefined} */ msg) => {
    if (msg?.type === 'clock') send({ type: 'clock', t: msg.t, child: now() });
    if (msg?.type !== 'finish') return;
    finishing = true;
    delay.disable();
    const cpu = process.cpuUsage(cpuAtReady);
    const sum = (/** @type {Iterable<number>} */ arr) => Array.from(arr).reduce((a, b) => a + b, 0);
    const putCounts = Array.from(putsSeen);
    const expected = msg.expectedPuts;
    send({
      type: 'summary',
      clients,
      putsPerClient: { min: Math.min(...putCounts), max: Math.max(...putCounts) },
      incomplete: [...pending].map(([revision, slot]) => ({ revision, clients: slot.count })),
      snapshots: sum(snapshots),
      lateSnapshots: sum(lateSnapshots),
      orderErrors: sum(orderErrors),
      otherEvents: sum(otherEvents),
      closedEarly: sum(closedEarly),
      payloadMismatch,
      putDataBytes,
      // Per client: how many got fewer puts than expected (and how many puts they missed in all),
      // how many saw an id out of order or twice.
      ...(expected === undefined
        ? {}
        : {
            clientsShort: putCounts.filter((n) => n < expected).length,
            missedDeliveries: putCounts.reduce((sum, n) => sum + Math.max(0, expected - n), 0),
          }),
      clientsOutOfOrder: Array.from(orderErrors).filter((n) => n > 0).length,
      cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000 },
      eventLoopDelayMs: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
    });
    for (const s of streams) s?.close();
    // Let the IPC message go out before leaving.
    setTimeout(() => process.exit(0), 50);
  });
} catch (err) {
  send({ type: 'fatal', message: String(/** @type {Error} */ (err)?.stack ?? err) });
  process.exit(1);
}
