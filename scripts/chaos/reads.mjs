// What the campaign reads straight from the cluster at its checks: the bucket's state and the
// archive's records, each from the stream itself.
import { retry } from './poll.mjs';

/**
 * Every key's current value, read from the stream itself (a message get goes to the leader).
 * @param {import('@nats-io/jetstream').JetStreamManager} jsm  @param {string} bucket
 * @returns {Promise<import('./judge.mjs').State>}
 */
export async function bucketState(jsm, bucket) {
  const stream = `KV_${bucket}`;
  return retry(
    async () => {
      const prefix = `$KV.${bucket}.`;
      const info = await jsm.streams.info(stream, { subjects_filter: `${prefix}>` });
      /** @type {import('./judge.mjs').State} */
      const state = new Map();
      for (const subject of Object.keys(info.state.subjects ?? {})) {
        const message = await jsm.streams.getMessage(stream, { last_by_subj: subject });
        if (!message) continue;
        const operation = message.header?.get('KV-Operation');
        if (operation === 'DEL' || operation === 'PURGE') continue;
        state.set(subject.slice(prefix.length), { revision: message.seq, sql: /** @type {{ sql: string }} */ (message.json()).sql });
      }
      return state;
    },
    30_000,
    'read the bucket',
  );
}

/**
 * Every record of the archive stream, in order: one ordered consumer read to its end.
 * @param {import('@nats-io/jetstream').JetStreamClient} js  @param {import('@nats-io/jetstream').JetStreamManager} jsm
 * @param {string} archive the archive's stream
 * @returns {Promise<import('./verdicts.d.mts').ArchivedRevision[]>}
 */
export async function readArchive(js, jsm, archive) {
  const { state } = await jsm.streams.info(archive);
  if (state.messages === 0) return [];
  const consumer = await js.consumers.get(archive);
  const records = [];
  const messages = await consumer.consume({ max_messages: 512 });
  for await (const m of messages) {
    const r =
      /** @type {{ epoch: string, key: string, revision: number, operation: 'PUT' | 'DEL' | 'PURGE', value?: { sql?: string } }} */ (
        m.json()
      );
    records.push({
      epoch: r.epoch,
      key: r.key,
      revision: r.revision,
      operation: r.operation,
      ...(r.value?.sql ? { sql: r.value.sql } : {}),
    });
    if (m.info.pending === 0) break;
  }
  messages.stop();
  return records;
}
