// The production server (`node server.mjs -H host -p port`, what `npm start`, the tests and the
// benchmarks run): Next's own request handler behind a plain node:http server, so that
// `GET /api/events` can go straight from the hub to the socket. Streaming it through a route
// handler costs four times the CPU per client (README, "Live channel"). The fast path is
// lib/server/live/serve-events.ts, compiled with the app and handed over on globalThis by
// instrumentation.ts; until then, or under plain `next start`, the route handler serves it.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const startedAt = performance.now();
process.env.NODE_ENV = 'production';
const { values } = parseArgs({
  options: {
    // HOST, not HOSTNAME: shells and containers set HOSTNAME to the machine's name.
    hostname: { type: 'string', short: 'H', default: process.env.HOST ?? '0.0.0.0' },
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
  },
});
const hostname = values.hostname;
const port = Number(values.port);

const { default: next } = await import('next');
const app = next({ dev: false, dir: import.meta.dirname, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const SERVE_EVENTS = Symbol.for('pipes-console.serve-events');

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

const server = createServer((req, res) => {
  if (!pathDecodes(req.url)) {
    const body = JSON.stringify({ error: 'the path is not valid percent-encoding (a % must start %XX escapes of UTF-8 bytes)' });
    res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const serveEvents = globalThis[SERVE_EVENTS];
  if (serveEvents && req.method === 'GET' && (req.url === '/api/events' || req.url?.startsWith('/api/events?'))) {
    serveEvents(req, res).catch((err) => {
      console.error('GET /api/events failed:', err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"internal error; see the server log"}');
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
server.listen(port, hostname, () => {
  console.log(`✓ Ready in ${Math.round(performance.now() - startedAt)}ms on http://${hostname}:${port}`);
});
