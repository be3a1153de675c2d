// The production server (`node server.mjs -H host -p port`, what `npm start`, the tests and the
// benchmarks run): Next's own request handler behind a plain node:http server, so that
// `GET /api/events` can go straight from the hub to the socket (README, "Live channel") and
// `GET /api/pipes` can send the list compressed once per revision. These fast paths
// (lib/server/live/serve-events.ts, lib/server/http/serve-list.ts) are compiled with the app and
// handed over on globalThis by the app's start; until then, or under plain `next start`, the
// route handlers serve them.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { DEFAULT_HOST, DEFAULT_PORT } from './lib/defaults.mjs';
import { FAST_PATHS_KEY } from './lib/server/http/fast-paths.mjs';

const startedAt = performance.now();
process.env.NODE_ENV = 'production';
/** @type {Record<string, string>} the headers Next's configuration puts on every answer */
const securityHeaders = createRequire(import.meta.url)('./lib/server/static-security-headers.json');

const { values } = parseArgs({
  options: {
    // HOST, not HOSTNAME: shells and containers set HOSTNAME to the machine's name.
    hostname: { type: 'string', short: 'H', default: process.env.HOST || DEFAULT_HOST },
    port: { type: 'string', short: 'p', default: process.env.PORT || String(DEFAULT_PORT) },
  },
});
const hostname = values.hostname;
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a whole number from 1 to 65535, got "${values.port}"`);
  process.exit(1);
}

const { default: next } = await import('next');
const app = next({ dev: false, dir: import.meta.dirname, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/** Whether the path's %-escapes decode (to UTF-8): Next answers 500 to a path that does not. */
function pathDecodes(url = '/') {
  const end = url.search(/[?#]/);
  try {
    decodeURIComponent(end < 0 ? url : url.slice(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * An answer of this server's own, with the headers every answer carries.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} error
 */
function answer(res, status, error) {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    ...securityHeaders,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer((req, res) => {
  if (!pathDecodes(req.url)) {
    answer(res, 400, 'the path is not valid percent-encoding (a % must start %XX escapes of UTF-8 bytes)');
    return;
  }
  const fastPaths = /** @type {Record<symbol, Map<string, import('./lib/server/http/fast-paths.mjs').FastPath> | undefined>} */ (
    globalThis
  )[FAST_PATHS_KEY];
  const path = req.url?.split('?', 1)[0] ?? '/';
  const fastPath = req.method === 'GET' ? fastPaths?.get(path) : undefined;
  if (fastPath) {
    fastPath(req, res).catch((err) => {
      console.error(`GET ${path} failed:`, err);
      if (!res.headersSent) answer(res, 500, 'internal error; see the server log');
      else res.destroy();
    });
    return;
  }
  void handle(req, res);
});
server.once('error', (err) => {
  console.error(`Cannot listen on ${hostname}:${port}: ${err.message}`);
  process.exit(1);
});
// A shutdown: no new connections, and none kept open idle; the app (lib/server/start-server.ts)
// ends the event streams, lets the writes in flight finish, closes NATS and exits.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
  });
}
server.listen(port, hostname, () => {
  console.log(`✓ Ready in ${Math.round(performance.now() - startedAt)}ms on http://${hostname}:${port}`);
});
