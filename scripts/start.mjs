// `npm start`: install if needed, build if stale, start an embedded nats-server unless NATS_URL
// is set, run server.mjs (Next plus the live-events fast path), and stop everything together.
// Node built-ins only (runs before npm ci).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { request } from 'node:http';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, messageOf, repoRoot, ScriptError } from './lib/cli.mjs';
import { ensureDependencies } from './lib/ensure-deps.mjs';
import { buildIfStale } from './lib/build.mjs';
import { ensureCommand, pathWith } from './lib/ensure-system.mjs';
import { startNatsServer } from './lib/nats-server.mjs';
import { probePort } from './lib/ports.mjs';
import { stopChild, stopChildren } from './lib/run.mjs';
import { signInHint } from './lib/sign-in.mjs';
import { DEFAULT_HOST, DEFAULT_PORT } from '../lib/defaults.mjs';

const READY_DEADLINE_MS = 60_000;
const SERVER_STOP_GRACE_MS = 12_000; // past the console's own 10 s shutdown deadline
// On Ctrl-C the terminal signals our children too, and one may exit a moment before we see
// the signal ourselves: wait this long before calling a child's exit "unexpected".
const SIGNAL_RACE_MS = 300;

class ConfigError extends ScriptError {}

/** @type {import('./lib/nats-server.d.mts').NatsServer | null} */
let nats = null;
/** @type {Promise<import('./lib/nats-server.d.mts').NatsServer> | null} */
let natsStarting = null; // kept so a signal during nats start-up still stops it
/** @type {import('node:child_process').ChildProcess | null} */
let consoleServer = null;
/** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }> | null} */
let serverExited = null;
/** @type {Promise<void> | null} */
let stopping = null;

/** @param {NodeJS.ProcessEnv} env */
function readListenConfig(env) {
  const host = env.HOST?.trim() || DEFAULT_HOST;
  const rawPort = env.PORT?.trim() || String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 1 to 65535 (got "${env.PORT}").`);
  }
  return { host, port };
}

/**
 * Fails fast with one clear line, before a long build, instead of a Next stack trace after it.
 * @param {string} host
 * @param {number} port
 */
async function assertPortFree(host, port) {
  try {
    await probePort(host, port);
  } catch (err) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (err);
    const why = code === 'EADDRINUSE' ? 'is already in use' : `cannot be listened on (${code ?? message})`;
    throw new ConfigError(`PORT ${port} on HOST ${host} ${why}; set PORT or HOST to another value.`);
  }
}

/**
 * A wildcard listen address is nothing to connect to or click on.
 * @param {string} host
 */
function reachableHost(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** @param {string} host  @param {number} port */
function baseUrl(host, port) {
  const reachable = reachableHost(host);
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/`;
}

/**
 * NATS_URL may carry user:password: never echo it to the terminal.
 * @param {string} urls
 */
function redactCredentials(urls) {
  return urls.replace(/\/\/[^@/\s,]+@/g, '//***@');
}

/**
 * True on any HTTP answer: a 503 while NATS is unreachable still means the server is up.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function answersHealth(host, port) {
  return new Promise((resolve) => {
    const req = request({ host: reachableHost(host), port, path: '/api/health', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** @param {string} host  @param {number} port */
async function waitUntilServing(host, port) {
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (!stopping) {
    if (await answersHealth(host, port)) return;
    if (Date.now() > deadline) {
      throw new ScriptError(`the console did not answer ${baseUrl(host, port)}api/health within ${READY_DEADLINE_MS / 1000} s.`);
    }
    await sleep(250);
  }
}

async function stopConsoleServer() {
  if (consoleServer && serverExited) await stopChild(consoleServer, serverExited, { graceMs: SERVER_STOP_GRACE_MS });
}

/**
 * Stops the console first (it holds the NATS connection), then the embedded nats-server; then exits.
 * @param {number} code
 * @param {string} [message]
 */
function shutdown(code, message) {
  stopping ??= (async () => {
    if (message) console.error(message);
    await stopChildren(); // an `npm ci` or `next build` still running
    await stopConsoleServer();
    const server = nats ?? (await natsStarting?.catch(() => null));
    await server?.stop();
    process.exit(code);
  })();
  return stopping;
}

/** @param {string} bin */
async function startEmbeddedNats(bin) {
  const storeDir = join(repoRoot, '.data', 'nats');
  try {
    mkdirSync(storeDir, { recursive: true });
    // Its own process group: Ctrl-C in the terminal reaches the console, which closes its NATS
    // connection, and only then is this server stopped (shutdown below), with no reconnect logged.
    natsStarting = startNatsServer({ storeDir, bin, ownProcessGroup: true }); // port 0: a free loopback port
    nats = await natsStarting;
  } catch (err) {
    throw new ScriptError(`cannot start the embedded nats-server: ${messageOf(err)}`, { cause: err });
  }
  void nats.exited.then(async ({ code, signal }) => {
    await sleep(SIGNAL_RACE_MS);
    void shutdown(1, `✖ The embedded nats-server stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the console.`);
  });
  return nats;
}

/** @param {string} host  @param {number} port  @param {NodeJS.ProcessEnv} env */
function startConsoleServer(host, port, env) {
  // process.execPath + the script, not npx: the PID we hold is the server's own.
  consoleServer = spawn(process.execPath, [join(repoRoot, 'server.mjs'), '-H', host, '-p', String(port)], {
    cwd: repoRoot,
    env,
    stdio: 'inherit',
  });
  const child = consoleServer;
  serverExited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('error', (err) => void shutdown(1, `✖ cannot run server.mjs: ${err.message}`));
  void serverExited.then(async ({ code, signal }) => {
    await sleep(SIGNAL_RACE_MS);
    void shutdown(
      code ?? 128 + (signal ? constants.signals[signal] : 0),
      `✖ The console server exited (${signal ?? `exit code ${code}`}); stopping.`,
    );
  });
}

async function main() {
  const { host, port } = readListenConfig(process.env);
  await assertPortFree(host, port);
  const givenNatsUrl = process.env.NATS_URL?.trim();
  // Before the slow steps, so a missing nats-server is reported (or installed) at once.
  const natsBin = givenNatsUrl ? null : await ensureCommand('nats-server', 'nats-server');
  await ensureDependencies();
  if (stopping) return;
  await buildIfStale();
  if (stopping) return;

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, HOST: host, PORT: String(port) };
  let natsLine;
  if (!natsBin) {
    natsLine = `NATS: ${redactCredentials(process.env.NATS_URL ?? '')} (from NATS_URL)`;
  } else {
    const server = await startEmbeddedNats(natsBin);
    if (stopping) return;
    env.NATS_URL = server.url;
    env.PATH = pathWith(dirname(natsBin));
    // The samples are the default of the embedded server only: never seed them into a bucket
    // someone else runs (NATS_URL set) unless PIPES_DIR asks for it.
    env.PIPES_DIR ??= join(repoRoot, 'pipes');
    natsLine = `NATS: embedded nats-server at ${server.url} (data in ${relative(repoRoot, server.storeDir)})`;
  }

  startConsoleServer(host, port, env);
  await waitUntilServing(host, port);
  if (stopping) return;
  const url = baseUrl(host, port);
  const hint = signInHint({ baseUrl: url, repoRoot, env });
  console.log(
    ['', `Pipes Console is running at ${url}`, `  ${natsLine}`, ...(hint ? [`  ${hint}`] : []), '  Press Ctrl-C to stop.', ''].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0, `\n${signal}: stopping Pipes Console…`));
// Last resort if this process dies of a bug: never leave a server running behind it.
process.on('exit', () => {
  if (consoleServer && consoleServer.exitCode === null && consoleServer.signalCode === null) consoleServer.kill('SIGKILL');
  void nats?.stop('SIGKILL'); // the kill itself is sent synchronously
});

main().catch((err) => void shutdown(1, describeError(err)));
