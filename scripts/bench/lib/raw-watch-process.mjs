// A fresh Node process that does nothing but watch the bucket to the end of its replay: the
// floor for a *process* cold start (Node boot + loading nats.js + the watch), to set beside
// the console's spawn-to-list time. Prints one JSON line: { count, readyMs } (ms since spawn
// as this process measures it, performance.now() counts from the process's start).
// Usage: node raw-watch-process.mjs <nats-url> <bucket>
import { performance } from 'node:perf_hooks';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';

const [servers, bucket] = process.argv.slice(2);
const nc = await connect({ servers, name: 'bench-raw-process' });
const kv = await new Kvm(nc).open(bucket);
const iterator = await kv.watch({ key: '>', include: KvWatchInclude.LastValue });
let count = 0;
for await (const entry of iterator) {
  count++;
  entry.json();
  if (entry.delta === 0) break;
}
console.log(JSON.stringify({ count, readyMs: performance.now() }));
await nc.close();
