// The watched cache (BucketSupervisor → WatchLoop → Hub) in-process against a real nats-server, with a
// separate nats.js client as the other writer. These tests kill, restart and recreate things,
// so each gets a nats-server of its own (one starts in ~20 ms).
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Change, Entry } from '@/lib/pipes/entry';
import { BucketSupervisor, Hub, type HubEvent } from '@/lib/server/hub';
import { disposeAll } from '../support/dispose';
import { BUCKET, openRawClient, readBucket, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';

let nats: TestNats;
let raw: RawClient;
let supervisor: BucketSupervisor | undefined;

beforeEach(async () => {
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
});

afterEach(async () => {
  const started = supervisor;
  supervisor = undefined;
  await disposeAll(
    started && (() => started.stop()),
    () => raw.close(),
    () => nats.dispose(),
  );
});

/** Starts a hub on the test's server, recording every event from the very first one. */
async function startHub(): Promise<{ hub: Hub; events: HubEvent[] }> {
  const events: HubEvent[] = [];
  const hub = new Hub({ bucket: BUCKET });
  hub.subscribe((event) => events.push(event), 'internal');
  supervisor = new BucketSupervisor({ nats: { servers: [nats.url] }, bucket: BUCKET, history: 3 }, hub);
  await supervisor.start();
  await hub.ready(10_000);
  return { hub, events };
}

const changesOf = (events: HubEvent[]): Change[] => events.flatMap((e) => (e.type === 'change' ? [e.change] : []));

/** key → { revision, value } as the cache holds it. */
function cacheState(h: Hub): Map<string, { revision: number; value: unknown }> {
  return new Map(h.snapshot().pipes.map((e: Entry) => [e.key, { revision: e.revision, value: e.value }]));
}

/** key → { revision, value } as the bucket holds it now (values parsed; the tests write only valid pipes). */
async function bucketState(): Promise<{ lastRevision: number; state: Map<string, { revision: number; value: unknown }> }> {
  const { lastRevision, values } = await readBucket(raw.kv);
  return { lastRevision, state: new Map([...values].map(([k, v]) => [k, { revision: v.revision, value: JSON.parse(v.text) }])) };
}

/** Polls until the cache equals a fresh read of the bucket, key by key, and is at its last revision. */
async function expectConverged(h: Hub, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () => {
      const bucket = await bucketState();
      if (h.status().revision !== bucket.lastRevision) return false;
      expect(cacheState(h)).toEqual(bucket.state);
      return true;
    },
    { timeoutMs, what: 'the cache to equal the bucket' },
  );
  const bucket = await bucketState();
  expect(cacheState(h)).toEqual(bucket.state);
  expect(h.snapshot().revision).toBe(bucket.lastRevision);
}

const pipe = (key: string, sql: string) => JSON.stringify({ name: key, sql });

function expectStrictlyIncreasing(revisions: number[]): void {
  for (let i = 1; i < revisions.length; i++) {
    if (revisions[i]! <= revisions[i - 1]!) throw new Error(`revision ${revisions[i]} after ${revisions[i - 1]} (index ${i})`);
  }
}

test('initial load through the watch: 200 keys, some overwritten, deleted or purged, give a snapshot equal to the bucket at its last revision', async () => {
  for (let i = 0; i < 200; i++) await raw.kv.put(`p${i}`, pipe(`p${i}`, `SELECT ${i}`));
  for (let i = 0; i < 200; i += 3) await raw.kv.put(`p${i}`, pipe(`p${i}`, `SELECT ${i} -- v2`));
  // Four writes to a key with history 3: the first one is gone from the stream.
  for (let i = 0; i < 200; i += 15) {
    await raw.kv.put(`p${i}`, pipe(`p${i}`, `SELECT ${i} -- v3`));
    await raw.kv.put(`p${i}`, pipe(`p${i}`, `SELECT ${i} -- v4`));
  }
  for (let i = 1; i < 200; i += 7) await raw.kv.delete(`p${i}`);
  for (let i = 2; i < 200; i += 11) await raw.kv.purge(`p${i}`);
  await raw.kv.delete('p199'); // the bucket's last revision is a delete marker
  const expected = await bucketState();
  expect(expected.state.size).toBeGreaterThan(150);
  expect(expected.state.size).toBeLessThan(200);

  const { hub: h, events } = await startHub();

  expect(h.snapshot().revision).toBe(expected.lastRevision);
  expect(h.status()).toMatchObject({ ready: true, nats: 'connected', revision: expected.lastRevision, pipes: expected.state.size });
  expect(cacheState(h)).toEqual(expected.state);
  const keys = h.snapshot().pipes.map((e) => e.key);
  expect(keys).toEqual([...keys].sort());
  const snapshots = events.filter((e) => e.type === 'snapshot');
  expect(snapshots).toHaveLength(1);
  expect(snapshots[0]).toMatchObject({ reason: 'initial', snapshot: { revision: expected.lastRevision } });
  expect(changesOf(events)).toEqual([]);
});

test('live puts, deletes and purges from another client are applied in bucket order, each once, with strictly increasing revisions', async () => {
  const { hub: h, events } = await startHub(); // an empty bucket: ready at revision 0
  expect(h.snapshot()).toEqual({ revision: 0, pipes: [] });

  const expected: [string, Change['operation'], number?][] = [];
  const put = async (key: string, sql: string) => expected.push([key, 'PUT', await raw.kv.put(key, pipe(key, sql))]);
  await put('a', 'SELECT 1');
  await put('b', 'SELECT 2');
  await put('a', 'SELECT 3');
  await raw.kv.delete('a');
  expected.push(['a', 'DEL']);
  await put('c', 'SELECT 4');
  await raw.kv.purge('b');
  expected.push(['b', 'PURGE']);
  await put('a', 'SELECT 5');
  await put('d', 'SELECT 6');
  await raw.kv.delete('d');
  expected.push(['d', 'DEL']);
  await put('b', 'SELECT 7');

  await expectConverged(h);
  const changes = changesOf(events);
  expect(changes.map((c) => [c.key, c.operation])).toEqual(expected.map(([key, op]) => [key, op]));
  // No gap, no duplicate: revisions 1..n, and each put with the revision the writer was given.
  expect(changes.map((c) => c.revision)).toEqual(expected.map((_, i) => i + 1));
  expected.forEach(([, , revision], i) => revision !== undefined && expect(changes[i]!.revision).toBe(revision));
  expect(changes.filter((c) => c.operation === 'PUT').map((c) => (c as Entry).value)).toContainEqual({ name: 'b', sql: 'SELECT 7' });
  expect([...cacheState(h).keys()]).toEqual(['a', 'b', 'c']);
});

test('a put or delete written just before a purge reaches the cache, though nats-server 2.9 moves the watch past it', async () => {
  const { hub: h, events } = await startHub();
  // Written without waiting for each other, the purge lands before the watch has delivered the
  // change ahead of it: the server's consumer then never delivers that change.
  for (let i = 0; i < 40; i++) {
    const change = i % 2 ? raw.kv.delete(`gone_${i % 4}`) : raw.kv.put(`kept_${i}`, pipe(`kept_${i}`, `SELECT ${i}`));
    await Promise.all([change, raw.kv.purge(`purged_${i % 3}`)]);
  }
  await expectConverged(h);
  expect(changesOf(events)).toHaveLength(80);
  expectStrictlyIncreasing(changesOf(events).map((c) => c.revision));
});

/**
 * Another writer that keeps writing (a put every few ms, now and then a delete), retrying each
 * write until NATS acknowledges it, and keeping the revision of every acknowledged put.
 */
function startWriter(url: string) {
  let stopping = false;
  let failures = 0;
  const acked: { key: string; revision: number }[] = [];
  const pace = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const done = (async () => {
    const w = await openRawClient(url);
    for (let i = 0; !stopping; i++) {
      const key = `w${i % 400}`;
      for (;;) {
        try {
          if (i % 9 === 8) await w.kv.delete(`w${(i - 4) % 400}`);
          else acked.push({ key, revision: await w.kv.put(key, pipe(key, `SELECT ${i}`), { timeout: 1_000 }) });
          break;
        } catch {
          failures++;
          if (stopping) break;
          await pace(100); // NATS is down: try again, gently
        }
      }
      await pace(5);
    }
    await w.close();
  })();
  return {
    acked,
    failures: () => failures,
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}

test('nats-server killed and restarted under a busy writer: no spinning while down, revisions never go back, nothing missed, cache equals the bucket', async () => {
  for (let i = 0; i < 20; i++) await raw.kv.put(`seed${i}`, pipe(`seed${i}`, `SELECT ${i}`));
  const { hub: h, events } = await startHub();
  const initialRevision = h.status().revision;
  const writer = startWriter(nats.url);
  try {
    await waitFor(() => writer.acked.length >= 50, { what: 'the writer to get going' });
    await waitFor(() => h.status().revision >= writer.acked.at(-1)!.revision, { what: 'the hub to follow the writer' });

    await nats.stop('SIGKILL');
    await waitFor(() => h.status().nats === 'reconnecting', { what: 'the hub to notice NATS is gone' });

    // CPU of this whole process (hub + writer + test) over 3 s with NATS down: a measurement
    // window, not a wait for anything.
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((r) => setTimeout(r, 3_000));
    const cpu = process.cpuUsage(cpuBefore);
    const share = (cpu.user + cpu.system) / 1_000 / (performance.now() - wallBefore);
    console.log(`CPU while NATS was down: ${(share * 100).toFixed(1)}% of one core; writer failures: ${writer.failures()}`);
    expect(share).toBeLessThan(0.25);
    expect(writer.failures()).toBeGreaterThan(0); // the writer really was writing into the outage

    const ackedBeforeRestart = writer.acked.length;
    const restartedAt = performance.now();
    nats = await startTestNats(nats.storeDir, nats.port);
    await waitFor(() => h.status().nats === 'connected', { what: 'the hub to reconnect' });
    console.log(`hub reconnected ${(performance.now() - restartedAt).toFixed(0)} ms after nats-server was restarted`);
    await waitFor(() => writer.acked.length >= ackedBeforeRestart + 50, { what: 'the writer to write after the restart' });
    const followed = writer.acked.at(-1)!.revision;
    await waitFor(() => h.status().revision >= followed, { what: 'the hub to resume' });
    console.log(
      `hub caught up with a write made after the restart ${(performance.now() - restartedAt).toFixed(0)} ms after nats-server was restarted`,
    );
  } finally {
    await writer.stop();
  }

  await expectConverged(h);
  const changes = changesOf(events);
  expectStrictlyIncreasing(changes.map((c) => c.revision));
  expect(events.filter((e) => e.type === 'snapshot').map((e) => e.type === 'snapshot' && e.reason)).toEqual(['initial']);
  // Every put the writer had acknowledged reached the listener (keys are reused only every
  // 400 writes, so none was pushed out of the 3-deep history before the hub resumed).
  const seen = new Set(changes.map((c) => c.revision));
  const missed = writer.acked.filter((a) => a.revision > initialRevision && !seen.has(a.revision));
  expect(missed).toEqual([]);
  const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status.nats] : []));
  expect(statuses).toContain('reconnecting');
  expect(statuses.at(-1)).toBe('connected');
});

test('bucket deleted and recreated (fewer, then more revisions than before): the cache converges to exactly the new contents', async () => {
  for (let i = 0; i < 10; i++) await raw.kv.put(`old${i}`, pipe(`old${i}`, `SELECT ${i}`));
  await raw.kv.put('shared', pipe('shared', 'SELECT old'));
  const { hub: h, events } = await startHub();
  expect(h.status().revision).toBe(11);

  // Recreated with fewer revisions: last revision 2, below the cache's 11.
  await raw.kv.destroy();
  let kv = await new Kvm(raw.nc).create(BUCKET, { history: 3 });
  raw.kv = kv;
  await kv.put('shared', pipe('shared', 'SELECT new'));
  await kv.put('fresh', pipe('fresh', 'SELECT 1'));
  await expectConverged(h, 15_000);
  expect([...cacheState(h).keys()]).toEqual(['fresh', 'shared']);

  // Recreated again, now with more revisions than the cache holds: only the stream's creation time tells.
  const before = h.status().revision;
  await kv.destroy();
  kv = await new Kvm(raw.nc).create(BUCKET, { history: 3 });
  raw.kv = kv;
  for (let i = 0; i < before + 5; i++) await kv.put(`again${i % 4}`, pipe(`again${i % 4}`, `SELECT ${i}`));
  await expectConverged(h, 15_000);
  expect([...cacheState(h).keys()]).toEqual(['again0', 'again1', 'again2', 'again3']);

  const reasons = events.flatMap((e) => (e.type === 'snapshot' ? [e.reason] : []));
  expect(reasons[0]).toBe('initial');
  expect(reasons.filter((r) => r === 'recreated').length).toBeGreaterThanOrEqual(2);
});

test('a bucket deleted and left missing is created again by the hub, empty, and then followed like any other', async () => {
  for (let i = 0; i < 5; i++) await raw.kv.put(`k${i}`, pipe(`k${i}`, `SELECT ${i}`));
  const { hub: h, events } = await startHub();
  const jsm = await jetstreamManager(raw.nc);

  await raw.kv.destroy();
  await waitFor(() => h.status().revision === 0 && h.snapshot().pipes.length === 0, { what: 'the hub to rebuild an empty cache' });
  const info = await jsm.streams.info(`KV_${BUCKET}`);
  expect(info.config.max_msgs_per_subject).toBe(3);

  // The bucket it made works for everyone: another writer's put is stored, readable and followed.
  raw.kv = await new Kvm(raw.nc).open(BUCKET);
  const revision = await raw.kv.put('after', pipe('after', 'SELECT 1'));
  expect((await raw.kv.get('after'))?.revision).toBe(revision);
  await expectConverged(h);
  expect([...cacheState(h).keys()]).toEqual(['after']);
  expect(events.flatMap((e) => (e.type === 'snapshot' ? [e.reason] : []))).toEqual(['initial', 'recreated']);
});

test("a bucket deleted and left missing is created again with the history it had, not the console's own", async () => {
  await raw.kv.destroy();
  raw.kv = await new Kvm(raw.nc).create(BUCKET, { history: 7 });
  await raw.kv.put('before', pipe('before', 'SELECT 1'));
  const { hub: h } = await startHub();
  const jsm = await jetstreamManager(raw.nc);

  await raw.kv.destroy();
  await waitFor(() => h.status().revision === 0 && h.snapshot().pipes.length === 0, { what: 'the hub to rebuild an empty cache' });
  const info = await waitFor(() => jsm.streams.info(`KV_${BUCKET}`).catch(() => undefined), { what: 'the bucket to exist again' });
  expect(info.config.max_msgs_per_subject).toBe(7);
});

test('a watch whose consumer is deleted on the server is resumed from the last applied revision + 1, nothing missed or repeated', async () => {
  for (let i = 0; i < 5; i++) await raw.kv.put(`k${i}`, pipe(`k${i}`, `SELECT ${i}`));
  const { hub: h, events } = await startHub();
  const at = h.status().revision;
  const jsm = await jetstreamManager(raw.nc);
  const stream = `KV_${BUCKET}`;
  const consumers = async () => {
    const names: { name: string; start?: number }[] = [];
    for await (const ci of jsm.consumers.list(stream)) {
      // Only watches: kv.keys() (used to read the bucket) makes headers-only consumers.
      if (!ci.config.headers_only) names.push({ name: ci.name, start: ci.config.opt_start_seq });
    }
    return names;
  };
  const original = await waitFor(async () => {
    const list = await consumers();
    return list.length === 1 ? list[0]! : undefined;
  });
  expect(await jsm.consumers.delete(stream, original.name)).toBe(true);

  // The watch now hears nothing more (its heartbeat would notice only after 60 s).
  const writes: number[] = [];
  for (let i = 0; i < 3; i++) writes.push(await raw.kv.put(`after${i}`, pipe(`after${i}`, `SELECT ${i}`)));
  const startedAt = performance.now();
  await expectConverged(h, 20_000);
  console.log(`a watch whose consumer was deleted resumed after ${(performance.now() - startedAt).toFixed(0)} ms`);

  const resumed = await consumers();
  expect(resumed).toHaveLength(1);
  expect(resumed[0]!.name).not.toBe(original.name);
  expect(resumed[0]!.start).toBe(at + 1);
  expect(changesOf(events).map((c) => c.revision)).toEqual(writes);
  expect(events.filter((e) => e.type === 'snapshot')).toHaveLength(1);
});
