// What the presence benchmark watches and times: SSE clients that keep every `presence` event
// (when it arrived, its size, its entries, and the first sighting of each probe key), a raw
// subscriber counting the console instances' messages on the presence subject, the raw NATS
// floor (one connection publishes, another receives), and the forked tabs process.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { stopChild } from '../../lib/run.mjs';
import { onCleanup } from '../lib/cleanup.mjs';
import { now } from '../lib/clock.mjs';
import { openSseStream } from '../lib/sse-stream.mjs';

/** Every probe key starts so; no simulated tab's pipe does. */
export const PROBE_PREFIX = 'bench_presence_probe_';
const SIGHTING_TIMEOUT_MS = 5_000;

/** @typedef {{ url: string, adminToken: string, pid: number }} Server */
/** @typedef {{ at: number, bytes: number, entries: number, editing: number }} Frame */
/** @typedef {Awaited<ReturnType<typeof openWatcher>>} Watcher */
/** @typedef {import('./tabs-process.mjs').Plan} Plan */

/**
 * One SSE client of `server`, as a browser's live connection is: every `presence` event with when
 * the chunk completing it arrived (before it is parsed), its bytes on the wire (the frame as
 * encoded, `event:` line and blank line included) and its entries; and when each probe key was
 * first in one.
 * @param {Server} server
 */
export async function openWatcher(server) {
  /** @type {Frame[]} */
  const frames = [];
  /** @type {Map<string, number>} probe key → when it was first listed */
  const sighted = new Map();
  /** @type {Map<string, (at: number) => void>} */
  const waiters = new Map();
  const counts = { status: 0, snapshot: 0, other: 0 };
  /** @type {number | undefined} */
  let intervalMs;
  /** @type {Error | undefined} */
  let ended;
  const stream = await openSseStream({
    url: `${server.url}/api/events`,
    token: server.adminToken,
    onEvent: ({ event, data }, at) => {
      if (event !== 'presence') {
        if (event === 'status' || event === 'snapshot') counts[event]++;
        else counts.other++;
        return;
      }
      const body = /** @type {{ presence: { key: string, editing: boolean }[], interval_ms: number }} */ (JSON.parse(data));
      intervalMs = body.interval_ms;
      let editing = 0;
      for (const { key, editing: e } of body.presence) {
        if (e) editing++;
        if (!key.startsWith(PROBE_PREFIX) || sighted.has(key)) continue;
        sighted.set(key, at);
        waiters.get(key)?.(at);
        waiters.delete(key);
      }
      frames.push({ at, bytes: Buffer.byteLength(`event: presence\ndata: ${data}\n\n`), entries: body.presence.length, editing });
    },
    onEnd: (err) => (ended = err ?? new Error('the event stream closed')),
  });
  const unregister = onCleanup(() => stream.close());
  return {
    frames,
    sighted,
    counts,
    intervalMs: () => intervalMs,
    ended: () => ended,
    /**
     * When `key` was first listed; undefined when it was not within the timeout.
     * @param {string} key
     * @returns {Promise<number | undefined>}
     */
    sighting(key) {
      const seen = sighted.get(key);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(key);
          resolve(undefined);
        }, SIGHTING_TIMEOUT_MS);
        waiters.set(key, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    close() {
      stream.close();
      unregister();
    },
  };
}

/**
 * The presence events of one client between two instants: how many, how many bytes, the gaps
 * between them (the coalescing shows as a smallest gap near the window), and their entries.
 * @param {Frame[]} frames
 * @param {number} from
 * @param {number} to
 */
export function framesBetween(frames, from, to) {
  const inside = frames.filter((f) => f.at >= from && f.at < to);
  const gaps = inside.slice(1).map((f, i) => f.at - inside[i].at);
  return {
    events: inside.length,
    bytes: inside.reduce((sum, f) => sum + f.bytes, 0),
    gapsMs: gaps,
    entries: inside.map((f) => f.entries),
    editing: inside.map((f) => f.editing),
    last: inside.at(-1),
  };
}

/**
 * A plain nats.js subscriber on the instances' presence subject, counting what they send each
 * other, by sender (a console's instance name holds its pid) and by message type.
 * @param {string} servers
 * @param {string} subject
 */
export async function countSubject(servers, subject) {
  const nc = await connect({ servers, name: 'bench-presence-counter' });
  const unregister = onCleanup(() => nc.close());
  /** @type {{ messages: number, bytes: number, byType: Record<string, number>, bySender: Record<string, number> }} */
  const totals = { messages: 0, bytes: 0, byType: {}, bySender: {} };
  nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      totals.messages++;
      totals.bytes += msg.data.length;
      /** @type {{ type?: string, instance?: string, report?: { instance?: string } }} */
      let body = {};
      try {
        body = msg.json();
      } catch {
        // counted, as not one of the console's
      }
      const type = String(body.type ?? 'unparsed');
      totals.byType[type] = (totals.byType[type] ?? 0) + 1;
      const sender = String(body.report?.instance ?? body.instance ?? 'unknown');
      totals.bySender[sender] = (totals.bySender[sender] ?? 0) + 1;
    },
  });
  await nc.flush();
  return {
    read: () => structuredClone(totals),
    async close() {
      await nc.close();
      unregister();
    },
  };
}

/**
 * The floor of propagation between instances: one nats.js connection publishes a message shaped
 * like a console's presence report on its own subject, another connection receives it; `ping()`
 * is one round, publish → callback, in ms.
 * @param {string} servers
 * @param {string} subject
 */
export async function openNatsFloor(servers, subject) {
  const pub = await connect({ servers, name: 'bench-presence-floor-pub' });
  const sub = await connect({ servers, name: 'bench-presence-floor-sub' });
  const unregister = onCleanup(async () => {
    await pub.close();
    await sub.close();
  });
  /** @type {Map<number, (at: number) => void>} */
  const waiting = new Map();
  sub.subscribe(subject, {
    callback: (err, msg) => {
      const at = now();
      if (err) return;
      const seq = /** @type {{ seq: number }} */ (msg.json()).seq;
      waiting.get(seq)?.(at);
      waiting.delete(seq);
    },
  });
  await sub.flush();
  let seq = 0;
  return {
    /** @returns {Promise<number | undefined>} undefined when it did not arrive within the timeout */
    ping() {
      const n = seq++;
      const report = {
        instance: 'bench-host:1:000000',
        tab: 'bench-tab-00000',
        user: 'user-0000',
        role: 'admin',
        key: 'events_by_hour_00001',
        editing: false,
      };
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(n);
          resolve(undefined);
        }, SIGHTING_TIMEOUT_MS);
        const t0 = now();
        waiting.set(n, (at) => {
          clearTimeout(timer);
          resolve(at - t0);
        });
        pub.publish(subject, JSON.stringify({ type: 'tab', report, seq: n }));
      });
    },
    async close() {
      await pub.close();
      await sub.close();
      unregister();
    },
  };
}

/**
 * The tabs process (tabs-process.mjs) on `plan`, resolved once its users are signed in.
 * `requests()` runs the request floor; `open()` starts the tabs and resolves once each has made its
 * first post; `mark()` asks for the counters (cumulative) and the round trips, lateness and
 * event-loop delay since the previous mark; `finish()` stops it with its summary.
 * @param {{ plan: Plan, jwtSecret: string }} options
 */
export async function startTabs({ plan, jwtSecret }) {
  const child = fork(join(import.meta.dirname, 'tabs-process.mjs'), [], {
    env: { ...process.env, BENCH_JWT_SECRET: jwtSecret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = () => stopChild(child, exited);
  const unregister = onCleanup(stop);
  /** @type {Map<string, { resolve: (msg: any) => void, reject: (err: Error) => void }>} */
  const replies = new Map();
  /** @type {Error | undefined} */
  let fatal;
  let finished = false;
  /** @param {Error} err */
  const fail = (err) => {
    fatal ??= err;
    for (const r of [...replies.values()]) r.reject(fatal);
  };
  /**
   * Sends `request` and resolves with the next message of `type`.
   * @param {string} type  @param {number} timeoutMs  @param {object} request
   * @returns {Promise<any>}
   */
  const ask = (type, timeoutMs, request) =>
    new Promise((resolve, reject) => {
      if (fatal) return reject(fatal);
      const timer = setTimeout(() => reject(new Error(`the tabs process sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      /** @param {(v: any) => void} fn */
      const settle = (fn) => (/** @type {any} */ v) => {
        clearTimeout(timer);
        replies.delete(type);
        fn(v);
      };
      replies.set(type, { resolve: settle(resolve), reject: settle(reject) });
      child.send(request);
    });
  child.on('message', (/** @type {any} */ msg) => {
    if (msg.type === 'fatal') fail(new Error(`tabs process: ${msg.message}`));
    else replies.get(msg.type)?.resolve(msg);
  });
  child.once('exit', (code, signal) => {
    if (!finished) fail(new Error(`the tabs process exited early (code ${code}, signal ${signal})`));
  });
  try {
    const signedIn = await ask('signed-in', 60_000, { type: 'start', plan });
    return {
      pid: /** @type {number} */ (child.pid),
      signInMs: /** @type {number} */ (signedIn.ms),
      /**
       * @param {number} count  @param {number} concurrency
       * @returns {Promise<{ ms: number, perConsole: number[], byStatus: Record<string, number>, roundTripMs?: ReturnType<typeof import('../lib/stats.mjs').summarize> }>}
       */
      requests: (count, concurrency) => ask('requests', 120_000, { type: 'requests', count, concurrency }),
      /** @returns {Promise<any>} */
      open: () => ask('ready', 60_000, { type: 'tabs' }),
      /** @returns {Promise<any>} */
      mark: () => ask('mark', 10_000, { type: 'mark' }),
      /** Throws when the process failed since the last call. */
      check() {
        if (fatal) throw fatal;
      },
      /** @returns {Promise<any>} */
      async finish() {
        finished = true;
        const summary = await ask('summary', 10_000, { type: 'finish' });
        await stop();
        unregister();
        return summary;
      },
      /** Stops it without a summary (after a failure); nothing once it has finished. */
      async stop() {
        finished = true;
        await stop();
        unregister();
      },
    };
  } catch (err) {
    await stop();
    unregister();
    throw err;
  }
}
