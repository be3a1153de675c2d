// Starts and stops a real, throwaway `clickhouse-server` on loopback: its own config, data and
// logs all under one directory, so several can run side by side and nothing touches
// /etc/clickhouse-server or /var/lib/clickhouse. Written against Debian's 18.16 (bookworm), which
// still wants the old `<yandex>` root element. Node built-ins only, like nats-server.mjs.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from './ports.mjs';
import { stopChild } from './run.mjs';

const HOST = '127.0.0.1';
const POLL_MS = 50;
const LOG_TAIL_LINES = 20;

/** @param {string} text */
const xml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The server config. No interserver_http_port: without it 18.16 opens no replication port.
 * @param {{ dir: string, httpPort: number, tcpPort: number }} where
 */
function serverConfig({ dir, httpPort, tcpPort }) {
  const at = (/** @type {string} */ sub) => xml(join(dir, sub));
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${at('log/clickhouse-server.log')}</log>
    <errorlog>${at('log/clickhouse-server.err.log')}</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>${HOST}</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${at('data')}/</path>
  <tmp_path>${at('tmp')}/</tmp_path>
  <user_files_path>${at('user_files')}/</user_files_path>
  <format_schema_path>${at('format_schemas')}/</format_schema_path>
  <users_config>${at('users.xml')}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <!-- The defaults (5 GiB, 8 GiB) are sized for a dedicated machine; this one shares two cores. -->
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <!-- On SIGTERM the server waits for its HTTP connections, idle keep-alive ones (fetch pools them)
       included: with the default 10 s, stop() came to SIGKILL; with 1 s it takes a fraction of one. -->
  <keep_alive_timeout>1</keep_alive_timeout>
</yandex>
`;
}

// `readonly` user: profile readonly=2, which refuses writes and DDL but, unlike readonly=1, still
// lets a request carry its own limits (max_execution_time, max_result_rows…); it cannot lift
// readonly itself. Both users only from loopback, which is all the server listens on anyway.
const USERS_CONFIG = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default />
    <readonly>
      <readonly>2</readonly>
    </readonly>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    <readonly>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>readonly</profile>
      <quota>default</quota>
    </readonly>
  </users>
  <quotas>
    <default />
  </quotas>
</yandex>
`;

/** Two distinct ports: two probes in a row may, rarely, be handed the same one. */
async function twoFreePorts() {
  const first = await freePort(HOST);
  let second = await freePort(HOST);
  while (second === first) second = await freePort(HOST);
  return [first, second];
}

/**
 * Whether GET /ping answers `Ok.`. Its own connection, closed after: a kept-alive socket in a
 * shared pool would hold the server's shutdown up.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function ping(port) {
  return new Promise((resolve) => {
    const req = request({ host: HOST, port, path: '/ping', agent: false, headers: { connection: 'close' }, timeout: 1_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'Ok.'));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false)); // refused until it listens
    req.end();
  });
}

/**
 * The last lines of the error log, without the stack frames 18.16 writes under every error:
 * that is where it says why it stopped (stderr only names the log files).
 * @param {string} dir
 */
function errorLogTail(dir) {
  try {
    const lines = readFileSync(join(dir, 'log/clickhouse-server.err.log'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !/^\s*\d+\. /.test(line));
    return lines.slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no error log)';
  }
}

/**
 * Writes config.xml and users.xml into `dir` (created if missing; its data/, tmp/, log/… too),
 * spawns the server on two free loopback ports and resolves once GET /ping answers `Ok.`. Kills it
 * and rejects with its log tail when it exits or is not ready within `readyTimeoutMs`.
 * @param {{ dir: string, bin?: string, readyTimeoutMs?: number }} options
 *   bin: default `clickhouse-server` on PATH; Debian puts it in /usr/sbin (see ensureCommand).
 * @returns {Promise<import('./clickhouse-server.d.mts').ClickHouseServer>}
 */
export async function startClickHouse(options) {
  const dir = resolve(options.dir);
  const bin = options.bin ?? 'clickhouse-server';
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  const [httpPort, tcpPort] = await twoFreePorts();
  const configFile = join(dir, 'config.xml');
  writeFileSync(configFile, serverConfig({ dir, httpPort, tcpPort }));
  writeFileSync(join(dir, 'users.xml'), USERS_CONFIG);

  // 18.16 takes --config-file= and --config= alike (the Debian unit uses the latter).
  const child = spawn(bin, [`--config-file=${configFile}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    // It logs to files; stderr gets a line or two. Bounded all the same, as it lives on.
    if (stderr.length < 64_000) stderr += chunk;
  });
  /** @type {import('./clickhouse-server.d.mts').ClickHouseServer['exited']} */
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  /** @type {Promise<Error>} spawn failures (ENOENT…) emit 'error' and no 'exit' */
  const spawnFailed = new Promise((resolve) => child.once('error', resolve));
  const explain = (/** @type {string} */ why) =>
    new Error(
      `clickhouse-server (${bin}) ${why}\n--- stderr ---\n${stderr.trim()}\n--- ${join(dir, 'log')}/clickhouse-server.err.log ---\n${errorLogTail(dir)}`,
    );

  const deadline = performance.now() + readyTimeoutMs;
  for (;;) {
    /** @type {Promise<{ exit?: { code: number | null, signal: NodeJS.Signals | null }, error?: Error } | undefined>} */
    const tick = new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const outcome = await Promise.race([exited.then((exit) => ({ exit })), spawnFailed.then((error) => ({ error })), tick]);
    if (outcome?.error) throw new Error(`cannot run ${bin}: ${outcome.error.message}`);
    if (outcome?.exit) {
      const { code, signal } = outcome.exit;
      throw explain(`exited (${signal ?? `code ${code}`}) before it was ready`);
    }
    if (await ping(httpPort)) break;
    if (performance.now() >= deadline) {
      child.kill('SIGKILL');
      await exited;
      throw explain(`was not ready within ${readyTimeoutMs} ms (GET /ping on port ${httpPort})`);
    }
  }

  return {
    pid: /** @type {number} */ (child.pid),
    httpPort,
    tcpPort,
    url: `http://${HOST}:${httpPort}`,
    dir,
    exited,
    stop: (signal = 'SIGTERM') => stopChild(child, exited, { signal }),
  };
}
