// The floor of the fanout benchmark: the least a Node server can do to fan a KV bucket's changes
// out as Server-Sent Events. A plain node:http server, one NATS connection, one kv.watch: every
// `GET /api/events` response is held open with the console's headers, gets a snapshot frame, then
// for each change the same bytes the console writes for it (lib/live/sse.ts encodeEvent of the
// entry as lib/server/nats/to-change.ts shapes it), encoded once and written to every response.
// No auth, no batching, no queue bound, no ping, no presence: what it leaves out is what the
// console's extra cost per client is measured against.
// Usage (forked with an IPC channel): plain-broadcaster-process.mjs <nats-url> <bucket>
// Message to the parent: listening { port }, once the bucket (never empty here) is loaded.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { repoRoot } from '../../lib/cli.mjs';

const [servers, bucket] = process.argv.slice(2);
if (!process.send) throw new Error('plain-broadcaster-process.mjs must be forked with an IPC channel');
const send = (/** @type {object} */ msg) => process.send?.(msg);
process.on('disconnect', () => process.exit(0));

/** The console's event-stream headers (lib/server/live/prepare-events.ts), so the heads match too. */
const HEADERS = {
  ...JSON.parse(readFileSync(join(repoRoot, 'lib/server/static-security-headers.json'), 'utf8')),
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/** One SSE frame, as lib/live/sse.ts encodes it. */
const frame = (/** @type {string} */ event, /** @type {string} */ data, /** @type {number} */ id) =>
  Buffer.from(`id: ${id}\nevent: ${event}\ndata: ${data}\n\n`);

/** @type {Set<import('node:http').ServerResponse>} */
const held = new Set();
/** @type {Map<string, object>} key → its entry, as a `put` event carries it */
const entries = new Map();
let revision = 0;
/** @type {Buffer | undefined} the snapshot frame at `revision`, encoded for the first client that needs it */
let snapshot;

/**
 * Applies a change to the state and returns its frame.
 * @param {import('@nats-io/kv').KvEntry} e
 */
function apply(e) {
  revision = e.revision;
  snapshot = undefined;
  const updated = e.created.toISOString();
  if (e.operation === 'PUT') {
    const entry = { key: e.key, revision: e.revision, updated, operation: 'PUT', value: e.json() };
    entries.set(e.key, entry);
    return frame('put', JSON.stringify(entry), e.revision);
  }
  entries.delete(e.key);
  return frame('delete', JSON.stringify({ key: e.key, revision: e.revision, updated, operation: e.operation }), e.revision);
}

const nc = await connect({ servers, name: 'bench-plain-broadcaster' });
const kv = await new Kvm(nc).open(/** @type {string} */ (bucket));
// Each key's last value first (delta counts down to 0 at the last of them), then every change.
const iterator = await kv.watch({ key: '>' });
let loaded = false;

const server = createServer((req, res) => {
  if (req.method !== 'GET' || !req.url?.startsWith('/api/events')) {
    res.writeHead(404).end();
    return;
  }
  // As serve-events.ts: no chunked framing, the stream ends with its connection.
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, HEADERS);
  snapshot ??= frame('snapshot', JSON.stringify({ revision, pipes: [...entries.values()] }), revision);
  res.write(snapshot);
  held.add(res);
  res.once('close', () => held.delete(res));
});

for await (const e of iterator) {
  const bytes = apply(e);
  if (loaded) {
    for (const res of held) res.write(bytes);
  } else if (e.delta === 0) {
    loaded = true;
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      send({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
    });
  }
}
