import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_BUCKET } from '@/lib/defaults.mjs';

/** Another writer: a plain nats.js client of its own, as WaveHouse or the `nats` CLI would be. */
export type RawClient = { nc: NatsConnection; kv: KV; close(): Promise<void> };

export const BUCKET = DEFAULT_BUCKET;

/** Connects a separate client (reconnecting forever) and opens or creates `bucket` with history 3. */
export async function openRawClient(url: string, bucket = BUCKET): Promise<RawClient> {
  const nc = await connect({ servers: url, name: 'test-writer', maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const kv = await new Kvm(nc).create(bucket, { history: 3 });
  return { nc, kv, close: () => nc.close() };
}

/** One live key of the bucket as stored: its revision and exact bytes as text. */
export type StoredValue = { revision: number; text: string };

/** The bucket's live keys (delete markers left out) and its last revision, read afresh. */
export async function readBucket(kv: KV): Promise<{ lastRevision: number; values: Map<string, StoredValue> }> {
  const status = await kv.status();
  const values = new Map<string, StoredValue>();
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT') values.set(key, { revision: entry.revision, text: entry.string() });
  }
  return { lastRevision: status.streamInfo.state.last_seq, values };
}

/** The bucket's stream sequence: the revision the next write gets minus one. */
export async function lastRevision(kv: KV): Promise<number> {
  return (await kv.status()).streamInfo.state.last_seq;
}

/**
 * Resolves at the connection's next reconnect. Call it before taking the server down: nats.js
 * loses a request made while it is still reconnecting (it times out after 5 s, even though the
 * server is back), so a test waits for this before using its own client again.
 */
export function nextReconnect(nc: NatsConnection): Promise<void> {
  const statuses = nc.status();
  return (async () => {
    for await (const s of statuses) if (s.type === 'reconnect') return;
    throw new Error('the connection closed before it reconnected');
  })();
}
