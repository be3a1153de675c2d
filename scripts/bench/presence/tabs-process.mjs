// The browser tabs of the presence benchmark, in a process of their own (forked with an IPC
// channel by presence.mjs), so that their HTTP work neither counts against the consoles' CPU nor
// shares an event loop with the SSE clients that time the presence events. Each simulated user
// signs in once on its console with a JWT (POST /api/session, as the login page does); its tabs
// post with that session cookie and the console's Origin, as a page does. Each tab reports as
// components/live/presence-reporter.ts does: one post at a time, a post at once when what it shows
// changes, a heartbeat `intervalMs` after its last post, and nothing while it shows no pipe.
// What a tab does is drawn from a seeded PRNG, so every run plays the same moves.
// The requests go through node:http with one keep-alive agent, not fetch: fetch costs about five
// times the CPU per request, and on two cores this process's CPU is taken from the consoles'.
// Usage (forked): tabs-process.mjs; env BENCH_JWT_SECRET (kept out of the process list); the plan
// comes in the first IPC message. From the parent: start (→ signed-in), requests (→ requests, the
// request floor), tabs (→ ready), mark (→ mark), finish (→ summary); fatal at any time.
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { messageOf } from '../../lib/cli.mjs';
import { prng } from '../lib/pipes.mjs';
import { summarize } from '../lib/stats.mjs';

/**
 * @typedef {{ urls: string[], tabs: number, users: number, viewerEvery: number, keys: string[], intervalMs: number,
 *   moveMs: [number, number], awayMs: [number, number], goodbyeChance: number, toggleChance: number, signInConcurrency: number }} Plan
 *   urls: one console per entry, tab i on urls[i % urls.length]; users: tab i belongs to user i % users (a multiple of
 *   urls.length, so all of a user's tabs are on one console); viewerEvery: every n-th user signs in as a viewer;
 *   moveMs: how long a tab stays on a pipe, drawn evenly; awayMs: how long a tab that said goodbye shows no pipe;
 *   goodbyeChance: that a tab's move is a goodbye; toggleChance: that a heartbeat comes with editing toggled
 */
/** @typedef {'first' | 'heartbeat' | 'toggle' | 'move' | 'goodbye' | 'back'} Kind */
/**
 * @typedef {{ tab: string, user: number, console: number, key: string | null, editing: boolean, lastPostAt: number,
 *   moveAt: number, backAt: number }} Tab
 */

const secret = process.env.BENCH_JWT_SECRET;
if (!process.send) throw new Error('tabs-process.mjs must be forked with an IPC channel');
if (!secret) throw new Error('BENCH_JWT_SECRET is not set');
const tell = (/** @type {object} */ msg) => process.send?.(msg);
// The parent went away (crash, Ctrl-C): nothing to report to, so stop.
process.on('disconnect', () => process.exit(0));

const rnd = prng(7);
const between = (/** @type {[number, number]} */ [lo, hi]) => lo + rnd() * (hi - lo);

/** Cumulative from the start; the parent takes differences between two marks. */
const counters = {
  posts: 0,
  /** requests sent again after a reset on a kept-alive connection */
  resent: 0,
  /** @type {Record<Kind, number>} */
  byKind: { first: 0, heartbeat: 0, toggle: 0, move: 0, goodbye: 0, back: 0 },
  /** @type {Record<string, number>} status → posts; "error" when fetch itself failed */
  byStatus: {},
  /** @type {number[]} accepted (2xx) posts per console */
  acceptedByConsole: [],
};
/** @type {string | undefined} */
let lastError;
/** Since the last mark: each post's round trip, and how late it went out after it was due. */
let roundTrips = /** @type {number[]} */ ([]);
let lateness = /** @type {number[]} */ ([]);
let stopping = false;
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

const agent = new Agent({ keepAlive: true });

/**
 * One request on a kept-alive connection, the answer's body read to its end. A connection the
 * console closed as idle just as it was picked again fails at once with a reset: the request is
 * sent once more on a fresh one, as browsers do (counted in `counters.resent`).
 * @param {string} url
 * @param {{ method: string, headers: Record<string, string>, body?: string }} options
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function send(url, options, resend = true) {
  const { method, headers, body } = options;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      if (resend && req.reusedSocket && /** @type {NodeJS.ErrnoException} */ (err).code === 'ECONNRESET') {
        counters.resent++;
        send(url, options, false).then(resolve, reject);
      } else {
        reject(err);
      }
    });
    req.end(body);
  });
}

/**
 * A session cookie for user `name` on console `url`, signed in as the login page signs in.
 * @param {string} url
 * @param {string} name
 * @param {'admin' | 'viewer'} role
 */
async function signIn(url, name, role) {
  const token = await new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(name)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
  const res = await send(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ token }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${name} on ${url}: ${res.status} ${res.body.slice(0, 200)}`);
  const cookie = res.headers['set-cookie']?.find((c) => c.startsWith('pipes_session='));
  if (!cookie) throw new Error(`sign-in of ${name} on ${url} set no pipes_session cookie`);
  return cookie.split(';')[0];
}

/**
 * @param {Plan} plan
 * @returns {Promise<string[]>} the cookie of each user
 */
async function signInAll(plan) {
  /** @type {string[]} */
  const cookies = new Array(plan.users);
  let next = 0;
  const worker = async () => {
    while (next < plan.users) {
      const u = next++;
      cookies[u] = await signIn(
        plan.urls[u % plan.urls.length],
        `user-${String(u).padStart(4, '0')}`,
        u % plan.viewerEvery ? 'admin' : 'viewer',
      );
    }
  };
  await Promise.all(Array.from({ length: plan.signInConcurrency }, worker));
  return cookies;
}

/**
 * @param {Plan} plan
 * @param {string[]} cookies
 * @param {Tab} t
 * @param {Kind} kind
 */
async function post(plan, cookies, t, kind) {
  const url = plan.urls[t.console];
  const started = performance.now();
  t.lastPostAt = started;
  counters.posts++;
  counters.byKind[kind]++;
  let status = 'error';
  try {
    const res = await send(`${url}/api/presence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies[t.user], origin: url },
      body: JSON.stringify({ tab: t.tab, key: t.key, editing: t.editing }),
    });
    status = String(res.status);
    if (res.status >= 200 && res.status < 300) counters.acceptedByConsole[t.console]++;
    else lastError = `${res.status} for a ${kind} post`;
  } catch (err) {
    lastError = messageOf(err);
  }
  counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
  roundTrips.push(performance.now() - started);
}

/**
 * One tab, from its first post until the run stops.
 * @param {Plan} plan
 * @param {string[]} cookies
 * @param {Tab} t
 * @param {() => void} posted called once its first post is answered
 */
async function runTab(plan, cookies, t, posted) {
  const pick = () => plan.keys[Math.floor(rnd() * plan.keys.length)];
  // The tabs open over one interval, as they would over a morning, not all in one tick.
  await sleep(rnd() * plan.intervalMs);
  t.key = pick();
  t.moveAt = performance.now() + between(plan.moveMs);
  await post(plan, cookies, t, 'first');
  posted();
  while (!stopping) {
    const due = t.key === null ? t.backAt : Math.min(t.lastPostAt + plan.intervalMs, t.moveAt);
    await sleep(Math.max(0, due - performance.now()));
    if (stopping) return;
    const at = performance.now();
    lateness.push(at - due);
    /** @type {Kind} */
    let kind = 'heartbeat';
    if (t.key === null) {
      kind = 'back';
      t.key = pick();
      t.moveAt = at + between(plan.moveMs);
    } else if (at >= t.moveAt) {
      t.editing = false; // a pipe opens without unsaved edits, and a goodbye holds none
      if (rnd() < plan.goodbyeChance) {
        kind = 'goodbye';
        t.key = null;
        t.backAt = at + between(plan.awayMs);
      } else {
        kind = 'move';
        let key = pick();
        while (key === t.key) key = pick();
        t.key = key;
        t.moveAt = at + between(plan.moveMs);
      }
    } else if (rnd() < plan.toggleChance) {
      kind = 'toggle';
      t.editing = !t.editing;
    }
    await post(plan, cookies, t, kind);
  }
}

/** @param {number[]} values */
const brief = (values) => {
  if (values.length === 0) return undefined;
  const s = summarize(values);
  delete s.runs;
  return s;
};

/**
 * What the parent compares a console's presence with: the tabs on a pipe now, and the entries
 * they fold into (one per user and pipe).
 * @param {Tab[]} tabs
 */
function showing(tabs) {
  const on = tabs.filter((t) => t.key !== null);
  return {
    tabsOnAPipe: on.length,
    entries: new Set(on.map((t) => `${t.user}\u0000${t.key}`)).size,
    editing: on.filter((t) => t.editing).length,
  };
}

/** @param {Tab[]} tabs */
function mark(tabs) {
  const message = {
    counters: structuredClone(counters),
    lastError,
    roundTripMs: brief(roundTrips),
    latenessMs: brief(lateness),
    eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    showing: showing(tabs),
  };
  roundTrips = [];
  lateness = [];
  loopDelay.reset();
  return message;
}

/**
 * The floor of a post's cost on the console: `count` GET /api/session (who is signed in: the same
 * session check, a handler that does nothing), `concurrency` in flight, each user's on its console.
 * @param {Plan} plan
 * @param {string[]} cookies
 * @param {{ count: number, concurrency: number }} options
 */
async function requestFloor(plan, cookies, { count, concurrency }) {
  /** @type {number[]} */
  const perConsole = plan.urls.map(() => 0);
  /** @type {Record<string, number>} */
  const byStatus = {};
  /** @type {number[]} */
  const times = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      const u = next++ % plan.users;
      const c = u % plan.urls.length;
      const started = performance.now();
      const res = await send(`${plan.urls[c]}/api/session`, { method: 'GET', headers: { cookie: cookies[u] } });
      times.push(performance.now() - started);
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      perConsole[c]++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - t0, perConsole, byStatus, roundTripMs: brief(times) };
}

/**
 * Starts every tab; resolves once each has made its first post.
 * @param {Plan} plan
 * @param {string[]} cookies
 * @returns {Promise<Tab[]>}
 */
async function startTabs(plan, cookies) {
  /** @type {Tab[]} */
  const tabs = Array.from({ length: plan.tabs }, (_, i) => ({
    tab: `bench-tab-${String(i).padStart(5, '0')}`,
    user: i % plan.users,
    console: i % plan.urls.length,
    key: null,
    editing: false,
    lastPostAt: 0,
    moveAt: 0,
    backAt: 0,
  }));
  let firstPosts = 0;
  /** @type {() => void} */
  let allPosted = () => {};
  const everyTabPosted = new Promise((resolve) => (allPosted = () => resolve(undefined)));
  loopDelay.enable();
  for (const t of tabs) {
    runTab(plan, cookies, t, () => ++firstPosts === plan.tabs && allPosted()).catch((err) =>
      tell({ type: 'fatal', message: `tab ${t.tab}: ${messageOf(err)}` }),
    );
  }
  await everyTabPosted;
  return tabs;
}

/** @param {Promise<void>} work */
const orFatal = (work) =>
  work.catch((err) => {
    tell({ type: 'fatal', message: String(/** @type {Error} */ (err)?.stack ?? err) });
    process.exit(1);
  });

/** @type {Plan | undefined} */
let plan;
/** @type {string[]} */
let cookies = [];
/** @type {Tab[]} */
let tabs = [];
let cpuAtReady = process.cpuUsage();

process.on('message', (/** @type {{ type?: string, plan?: Plan, count?: number, concurrency?: number } | undefined} */ msg) => {
  if (msg?.type === 'start' && msg.plan) {
    const given = msg.plan;
    plan = given;
    counters.acceptedByConsole = given.urls.map(() => 0);
    const t0 = performance.now();
    return void orFatal(
      signInAll(given).then((c) => {
        cookies = c;
        tell({ type: 'signed-in', ms: performance.now() - t0 });
      }),
    );
  }
  if (!plan) {
    tell({ type: 'fatal', message: `expected a start message, got ${JSON.stringify(msg)}` });
    return process.exit(1);
  }
  const current = plan;
  if (msg?.type === 'requests') {
    const options = { count: msg.count ?? 0, concurrency: msg.concurrency ?? 1 };
    return void orFatal(requestFloor(current, cookies, options).then((floor) => void tell({ type: 'requests', ...floor })));
  }
  if (msg?.type === 'tabs') {
    const t0 = performance.now();
    return void orFatal(
      startTabs(current, cookies).then((started) => {
        tabs = started;
        cpuAtReady = process.cpuUsage();
        tell({ type: 'ready', openMs: performance.now() - t0, ...mark(tabs) });
      }),
    );
  }
  if (msg?.type === 'mark') return void tell({ type: 'mark', ...mark(tabs) });
  if (msg?.type === 'finish') {
    stopping = true;
    const cpu = process.cpuUsage(cpuAtReady);
    tell({ type: 'summary', cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000 }, ...mark(tabs) });
    // Let the IPC message go out before leaving.
    setTimeout(() => process.exit(0), 50);
  }
});
