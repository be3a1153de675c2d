// The floor of the sustained benchmark: a plain nats.js KV watch (updates only) on its own
// connection, in a process of its own like the SSE clients, reporting when each revision arrived.
// Usage (forked): raw-follow-process.mjs <nats-url> <bucket>. Messages: ready, arrivals, summary.
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { now } from '../lib/clock.mjs';

const [servers, bucket] = process.argv.slice(2);
if (!process.send) throw new Error('raw-follow-process.mjs must be forked with an IPC channel');
const send = (/** @type {object} */ msg) => process.send?.(msg);
process.on('disconnect', () => process.exit(0));

const nc = await connect({ servers, name: 'bench-raw-follow' });
const kv = await new Kvm(nc).open(/** @type {string} */ (bucket));
const iterator = await kv.watch({ key: '>', include: KvWatchInclude.UpdatesOnly });
/** @type {number[]} revision, time, revision, time … sent every 100 ms */
let batch = [];
const flush = setInterval(() => {
  if (batch.length) send({ type: 'arrivals', pairs: batch });
  batch = [];
}, 100);
process.on('message', (/** @type {{ type?: string }} */ msg) => {
  if (msg?.type !== 'finish') return;
  clearInterval(flush);
  send({ type: 'arrivals', pairs: batch });
  send({ type: 'summary' });
  iterator.stop();
  setTimeout(() => process.exit(0), 50);
});
send({ type: 'ready' });
for await (const entry of iterator) batch.push(entry.revision, now());
