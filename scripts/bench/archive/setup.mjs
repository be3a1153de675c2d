// What the archive benchmark runs on: the bucket, the archive stream and the two ways it is
// filled (the console's own API for one key with a deep history; records of the console's shape
// published straight to the stream for the many), and a console started with its archive on,
// off or on another bucket, ready once its archive has settled.
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnConsole, waitForList } from '../lib/console-process.mjs';
import { makePipes, putAll } from '../lib/pipes.mjs';
import { DEFAULT_BUCKET } from '../../../lib/defaults.mjs';

export const BUCKET = DEFAULT_BUCKET;
export const HISTORY = 3;
// The console's default archive stream (PIPES_AUDIT_STREAM unset, lib/server/config.ts).
export const STREAM = 'PIPES_AUDIT';
// The feed's floor runs on a bucket and an archive of its own, holding FLOOR_CHANGES changes of one key.
export const FLOOR_BUCKET = 'BENCH_FEED_FLOOR';
export const FLOOR_STREAM = 'BENCH_FEED_FLOOR_AUDIT';
export const FLOOR_CHANGES = 2;
export const DEEP_KEY = 'bench_archive_deep_history';
export const DEEP_REVISIONS = 1_000;
// Keys the seeded records are spread over; none is in any bucket.
export const SEEDED_KEYS = 10_000;
const SEEDED_KEY_PREFIX = 'bench_archived_';
export const SEED_IN_FLIGHT = 1_000;
// Seeded changes are this far apart in `updated`, the newest one now.
const SEEDED_SPACING_MS = 10_000;
const SETTLE_TIMEOUT_MS = 120_000;
const POLL_MS = 250;

/** @typedef {import('@nats-io/jetstream').JetStreamManager} JetStreamManager */
/** @typedef {Awaited<ReturnType<typeof spawnConsole>>} Console */
/** @typedef {{ gets: number, waitedMs: number, records: number }} Settled how long the archive took to settle, and what it held then */

/** @typedef {{ bucket: string, epoch: string }} Scope one incarnation of a bucket: its name and its stream's creation time */

// Subject tokens as lib/server/archive/record.ts writes them: base64url, since a key may hold "."
// and a time ":" and ".".
const token = (/** @type {string} */ text) => Buffer.from(text, 'utf8').toString('base64url');

/**
 * The subject of one record: one per revision of one incarnation of the bucket.
 * @param {string} stream  @param {Scope} scope  @param {string} key  @param {number} revision
 */
export const recordSubject = (stream, { bucket, epoch }, key, revision) => `${stream}.${bucket}.${token(epoch)}.${token(key)}.${revision}`;

/**
 * The subjects of every record of `key`.
 * @param {string} stream  @param {Scope} scope  @param {string} key
 */
export const keyFilter = (stream, { bucket, epoch }, key) => `${stream}.${bucket}.${token(epoch)}.${token(key)}.*`;

/**
 * The bucket's incarnation as the console names it: its stream's creation time.
 * @param {JetStreamManager} jsm
 * @param {string} bucket
 * @returns {Promise<Scope>}
 */
export const scopeOf = async (jsm, bucket) => ({ bucket, epoch: (await jsm.streams.info(`KV_${bucket}`)).created });

/**
 * The bucket with `count` generated pipes; `pipes` keeps their keys and parsed values.
 * @param {import('@nats-io/transport-node').NatsConnection} writer
 * @param {number} count
 */
export async function seedBucket(writer, count) {
  const kv = await new Kvm(writer).create(BUCKET, { history: HISTORY });
  const pipes = makePipes(count);
  await putAll(kv, pipes);
  return { kv, pipes };
}

/**
 * The feed floor's bucket: one pipe written FLOOR_CHANGES times, every change kept (history ≥ it).
 * @param {import('@nats-io/transport-node').NatsConnection} writer
 */
export async function seedFloorBucket(writer) {
  const kv = await new Kvm(writer).create(FLOOR_BUCKET, { history: HISTORY });
  const base = JSON.parse(makePipes(1, 11)[0].value);
  for (let i = 0; i < FLOOR_CHANGES; i++) await kv.put(base.name, JSON.stringify({ ...base, description: `${base.description} #${i}` }));
  return kv;
}

/**
 * Messages the stream holds (0 when it does not exist yet) and its last sequence.
 * @param {JetStreamManager} jsm
 * @param {string} stream
 */
export async function streamState(jsm, stream) {
  try {
    const { state } = await jsm.streams.info(stream);
    return { messages: state.messages, lastSeq: state.last_seq };
  } catch (err) {
    if (/stream not found/i.test(String(/** @type {Error} */ (err)?.message))) return { messages: 0, lastSeq: 0 };
    throw err;
  }
}

/**
 * The bucket's last revision: the KV stream's last sequence.
 * @param {JetStreamManager} jsm
 * @param {string} bucket
 */
export const bucketRevision = async (jsm, bucket) => (await jsm.streams.info(`KV_${bucket}`)).state.last_seq;

/**
 * Polls the console's /api/health until its archive says `state` with nothing queued and, with an
 * archive, until the stream holds at least `atLeast` records and no more arrive between two polls
 * (the fill-in of what the bucket holds writes in the background).
 * @param {Console} server
 * @param {{ jsm: JetStreamManager, stream: string, state: 'ok' | 'off', atLeast?: number }} options
 * @returns {Promise<Settled>}
 */
export async function waitForArchive(server, { jsm, stream, state, atLeast = 0 }) {
  const started = performance.now();
  let gets = 0;
  let previous = -1;
  /** @type {unknown} */
  let last;
  while (performance.now() - started < SETTLE_TIMEOUT_MS) {
    if (server.exited()) throw new Error(`the console exited:\n${server.output()}`);
    gets++;
    const health = await (await fetch(`${server.url}/api/health`)).json();
    last = health;
    if (health.archive === state && health.archive_queued === 0) {
      if (state === 'off') return { gets, waitedMs: performance.now() - started, records: 0 };
      const { messages } = await streamState(jsm, stream);
      if (messages >= atLeast && messages === previous) return { gets, waitedMs: performance.now() - started, records: messages };
      previous = messages;
    }
    await sleep(POLL_MS);
  }
  throw new Error(
    `the console's archive did not settle as "${state}" within ${SETTLE_TIMEOUT_MS} ms; last health: ${JSON.stringify(last)}`,
  );
}

/**
 * Polls the stream's message count until it reaches `count`.
 * @param {JetStreamManager} jsm
 * @param {string} stream
 * @param {number} count
 */
export async function waitForRecords(jsm, stream, count) {
  const started = performance.now();
  let messages = 0;
  while (performance.now() - started < SETTLE_TIMEOUT_MS) {
    ({ messages } = await streamState(jsm, stream));
    if (messages >= count) return { messages, waitedMs: performance.now() - started };
    await sleep(POLL_MS / 5);
  }
  throw new Error(`the stream ${stream} holds ${messages} messages, not ${count}, after ${SETTLE_TIMEOUT_MS} ms`);
}

/**
 * The console under test: the production build with the benchmark's data dir, on `bucket` with
 * the archive `stream` ("off": none), returned once it lists `listed` pipes and its archive has
 * settled (`atLeast` records).
 * @param {{ natsUrl: string, appDir: string, dataDir: string, jsm: JetStreamManager, listed: number, stream: string, bucket?: string, atLeast?: number }} options
 */
export async function startConsole({ natsUrl, appDir, dataDir, jsm, listed, stream, bucket = BUCKET, atLeast }) {
  const env = { PIPES_DATA_DIR: dataDir, PIPES_BUCKET: bucket, ...(stream === STREAM ? {} : { PIPES_AUDIT_STREAM: stream }) };
  const server = await spawnConsole(natsUrl, { appDir, env });
  try {
    const list = await waitForList(server, listed);
    const settled = await waitForArchive(server, { jsm, stream, state: stream === 'off' ? 'off' : 'ok', atLeast });
    return { server, readyMs: list.at, settled };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * Writes `revisions` versions of `key` through the console's PUT (If-Match: *), as an admin
 * would, each answered once the console's cache applied it. At most HISTORY writes are in flight:
 * a revision is dropped from the bucket once HISTORY newer ones exist, and the console must have
 * read it by then to archive it; one answered write means every earlier one was applied.
 * @param {Console} server
 * @param {string} key
 * @param {number} revisions
 * @returns {Promise<number[]>} the revisions written, oldest first
 */
export async function writeThroughApi(server, key, revisions) {
  const base = JSON.parse(makePipes(1, 13)[0].value);
  /** @type {number[]} */
  const written = [];
  let next = 0;
  const worker = async () => {
    while (next < revisions) {
      const i = next++;
      const res = await fetch(`${server.url}/api/pipes/${encodeURIComponent(key)}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          'content-type': 'application/json',
          'if-match': '*',
          // Every tenth edit says why, as people sometimes do.
          ...(i % 10 === 0 ? { 'x-change-note': encodeURIComponent(`tuning pass ${i}`) } : {}),
        },
        body: JSON.stringify({ ...base, name: key, description: `${base.description} (edit ${i})` }),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`PUT ${key} (edit ${i}) answered ${res.status}: ${body.slice(0, 200)}`);
      written.push(JSON.parse(body).revision);
    }
  };
  await Promise.all(Array.from({ length: HISTORY }, worker));
  return written.sort((a, b) => a - b);
}

/**
 * Publishes `count` archive records straight to `stream`, SEED_IN_FLIGHT at a time, in the shape
 * the console writes (lib/server/archive/record.ts): changes of SEEDED_KEYS keys that are in no
 * bucket, revisions from `firstRevision` on, mostly puts with a pipe value, some deletes and
 * purges, a third made through a console (with `by`), some with a note.
 * @param {import('@nats-io/transport-node').NatsConnection} writer
 * @param {{ stream: string, scope: Scope, count: number, firstRevision: number }} options
 */
export async function seedArchive(writer, { stream, scope, count, firstRevision }) {
  const js = jetstream(writer);
  const keys = Math.min(SEEDED_KEYS, count);
  const values = makePipes(keys, 17).map(({ value }, i) => ({ ...JSON.parse(value), name: seededKey(i) }));
  const newest = Date.now();
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const k = i % keys;
      const key = seededKey(k);
      const revision = firstRevision + i;
      const operation = i % 100 === 99 ? 'PURGE' : i % 25 === 24 ? 'DEL' : 'PUT';
      const record = {
        ...scope,
        key,
        revision,
        operation,
        updated: new Date(newest - (count - 1 - i) * SEEDED_SPACING_MS).toISOString(),
        ...(operation === 'PUT' ? { value: { ...values[k], description: `${values[k].description} (change ${i})` } } : {}),
        ...(i % 3 === 0 ? { by: { user: 'admin token', role: 'admin', via: 'token', instance: 'bench-seed:1' } } : {}),
        ...(i % 10 === 0 ? { note: `seeded change ${i}` } : {}),
      };
      const body = JSON.stringify(record);
      bytes += body.length;
      await js.publish(recordSubject(stream, scope, key, revision), body);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEED_IN_FLIGHT, count) }, worker));
  return { count, keys, publishMs: performance.now() - started, meanRecordBytes: bytes / count };
}

const seededKey = (/** @type {number} */ i) => `${SEEDED_KEY_PREFIX}${String(i).padStart(5, '0')}`;
