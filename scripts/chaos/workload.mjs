// The campaign's writers and what they were told. Counter writers increment a counter pipe by
// compare-and-set through a console (read it, then PUT with If-Match), as an admin's editor
// would; raw writers put, delete and purge other keys straight in KV, as another program would.
// Every operation goes into the history with when it was invoked and, when its outcome is
// known, when it returned and what it got; an operation whose outcome is unknown (a timeout, a
// 503 "may or may not have been applied", a connection lost mid-request) has neither.
import { headers } from '@nats-io/nats-core';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** @typedef {import('./linearizability.d.mts').Operation} Operation */
/** @typedef {import('./verdicts.d.mts').Acked} Acked */

const REQUEST_TIMEOUT_MS = 8_000;

/** Everything the writers did, per incarnation of the bucket and key. */
export class History {
  /** @type {Map<string, Map<string, Operation[]>>} epoch → key → operations */
  ops = new Map();
  /** @type {Acked[]} every change a writer was told took effect */
  acked = [];
  /** @type {{ epoch: string, key: string, kind: 'write' | 'delete' | 'purge', invoked: number }[]} every raw change tried */
  rawTried = [];
  /** @type {string[]} answers no correct console gives (a 500, a 400 to a valid write) */
  problems = [];
  counts = { attempted: 0, acked: 0, refused: 0, unknown: 0, notSent: 0 };

  /** @param {string} epoch  @param {string} key  @param {Operation} op */
  add(epoch, key, op) {
    let keys = this.ops.get(epoch);
    if (!keys) this.ops.set(epoch, (keys = new Map()));
    const ops = keys.get(key);
    if (ops) ops.push(op);
    else keys.set(key, [op]);
    this.counts.attempted++;
  }

  /** @param {Operation} op */
  settled(op) {
    if (op.result === undefined) this.counts.unknown++;
    else if (op.result === 'refused') this.counts.refused++;
    else this.counts.acked++;
  }

  /** The highest revision any writer was told of in `epoch`. */
  highest(/** @type {string} */ epoch) {
    let max = 0;
    for (const a of this.acked) if (a.epoch === epoch && a.revision > max) max = a.revision;
    return max;
  }
}

/**
 * Holds the writers while the bucket is recreated: `close` stops new operations and waits for
 * those in flight; `open` lets them go on.
 */
export class Gate {
  closed = false;
  inFlight = 0;
  /** @type {Promise<void>} */
  opened = Promise.resolve();
  /** @type {() => void} */
  release = () => {};
  /** @type {(() => void) | undefined} */
  drained;

  async enter() {
    while (this.closed) await this.opened;
    this.inFlight++;
  }

  leave() {
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  }

  async close() {
    this.closed = true;
    this.opened = new Promise((resolve) => (this.release = resolve));
    if (this.inFlight > 0) await new Promise((resolve) => (this.drained = () => resolve(undefined)));
    this.drained = undefined;
  }

  open() {
    this.closed = false;
    this.release();
  }
}

/** @typedef {{ epoch: () => string, history: History, gate: Gate, random: import('./random.d.mts').Random, running: () => boolean }} Shared */

const counterPipe = (/** @type {number} */ n) => ({ sql: `SELECT ${n}`, description: 'chaos campaign counter' });

/**
 * Increments `key` until `running()` is false, each time through a console drawn at random.
 * @param {Shared & { key: string, consoles: () => string[], token: string }} options
 */
export async function counterWriter({ key, consoles, token, epoch, history, gate, random, running }) {
  const auth = { authorization: `Bearer ${token}` };
  while (running()) {
    await gate.enter();
    try {
      const base = random.pick(consoles());
      const read = await answer(`${base}/api/pipes/${key}`, { headers: auth });
      if (!read || (read.status !== 200 && read.status !== 404)) continue; // a console down or not ready: try again
      const entry = read.status === 200 ? /** @type {{ revision: number, value: { sql: string } }} */ (read.body) : undefined;
      const count = entry ? Number(/SELECT (\d+)/.exec(entry.value.sql)?.[1]) : 0;
      const expected = entry?.revision ?? 0;
      const next = count + 1;
      /** @type {Operation & { kind: 'cas' }} */
      const op = { kind: 'cas', expected, value: String(next), invoked: performance.now() };
      const at = epoch();
      const put = await answer(`${base}/api/pipes/${key}`, {
        method: 'PUT',
        headers: {
          ...auth,
          'content-type': 'application/json',
          ...(expected ? { 'if-match': `"${expected}"` } : { 'if-none-match': '*' }),
        },
        body: JSON.stringify(counterPipe(next)),
      });
      if (put === null) {
        history.counts.notSent++; // refused at connect: the console never had it
        continue;
      }
      history.add(at, key, op);
      if (put.status === 200) {
        op.returned = performance.now();
        const revision = /** @type {{ revision: number }} */ (put.body).revision;
        op.result = { revision };
        history.acked.push({ epoch: at, key, revision, operation: 'PUT', sql: counterPipe(next).sql });
      } else if (put.status === 412) {
        op.returned = performance.now();
        op.result = 'refused';
      } else if (put.status !== 503 && put.status !== 0) {
        history.problems.push(`PUT ${key} (If-Match ${expected}) answered ${put.status}: ${JSON.stringify(put.body).slice(0, 200)}`);
      }
      history.settled(op);
    } finally {
      gate.leave();
    }
    await sleep(random.between(20, 120));
  }
}

/**
 * One HTTP exchange: the status and JSON body; status 0 when the outcome is unknown (a timeout,
 * a connection lost after it was sent); null when the connection was refused (nothing was sent).
 * @param {string} url  @param {RequestInit} [init]
 * @returns {Promise<{ status: number, body: unknown } | null>}
 */
async function answer(url, init = {}) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    let body = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the report
    }
    return { status: res.status, body };
  } catch (err) {
    const code = /** @type {{ cause?: { code?: string } }} */ (err).cause?.code;
    return code === 'ECONNREFUSED' ? null : { status: 0, body: String(err) };
  }
}

/**
 * Puts (70 %), deletes (20 %) and purges (10 %) `keys` straight in KV until `running()` is false.
 * Each value names its writer and sequence, so the archive's record of it can be told apart.
 * @param {Shared & { name: string, keys: string[], bucket: string, js: import('@nats-io/jetstream').JetStreamClient }} options
 */
export async function rawWriter({ name, keys, bucket, js, epoch, history, gate, random, running }) {
  let sequence = 0;
  while (running()) {
    await gate.enter();
    try {
      const key = random.pick(keys);
      const draw = random.next();
      const kind = draw < 0.7 ? 'write' : draw < 0.9 ? 'delete' : 'purge';
      const sql = `SELECT '${name}-${++sequence}'`;
      const at = epoch();
      /** @type {Operation} */
      const op =
        kind === 'write' ? { kind: 'write', value: sql, invoked: performance.now() } : { kind: 'delete', invoked: performance.now() };
      history.add(at, key, op);
      history.rawTried.push({ epoch: at, key, kind, invoked: op.invoked });
      try {
        const ack = await publish(js, bucket, key, kind, sql);
        op.returned = performance.now();
        op.result = { revision: ack.seq };
        history.acked.push({
          epoch: at,
          key,
          revision: ack.seq,
          operation: kind === 'write' ? 'PUT' : kind === 'delete' ? 'DEL' : 'PURGE',
          ...(kind === 'write' ? { sql } : {}),
        });
      } catch {
        // a timeout or a lost connection: it may have been stored
      }
      history.settled(op);
    } finally {
      gate.leave();
    }
    await sleep(random.between(30, 150));
  }
}

/**
 * What `kv.put`, `kv.delete` and `kv.purge` send, through the JetStream client so the answer's
 * sequence (the revision) comes back for every kind.
 * @param {import('@nats-io/jetstream').JetStreamClient} js  @param {string} bucket  @param {string} key
 * @param {'write' | 'delete' | 'purge'} kind  @param {string} sql
 */
function publish(js, bucket, key, kind, sql) {
  const subject = `$KV.${bucket}.${key}`;
  if (kind === 'write') return js.publish(subject, JSON.stringify({ name: key, sql }));
  const h = headers();
  h.set('KV-Operation', kind === 'delete' ? 'DEL' : 'PURGE');
  if (kind === 'purge') h.set('Nats-Rollup', 'sub');
  return js.publish(subject, new Uint8Array(0), { headers: h });
}
