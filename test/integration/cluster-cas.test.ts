// Compare-and-set on a replicated bucket, against a real 3-node cluster: nats-server before
// 2.9.21 lets concurrent writes expecting the same revision of a key all be stored on a
// clustered stream (its issue #4320), so the console must make its writes atomic itself.
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/chaos/cluster.mjs';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';

const TOKEN = 'cluster-cas-admin-token';
const BUCKET = 'CLUSTER_CAS';
const ROUNDS = 10;
const WRITERS = 9;

let dir: string, cluster: Cluster, nc: NatsConnection, apps: TestConsole[];

beforeAll(async () => {
  await assertFreshBuild();
  dir = mkdtempSync(path.join(tmpdir(), 'pipes-cluster-'));
  cluster = await startCluster({ dir });
  nc = await connect({ servers: cluster.servers.split(','), maxReconnectAttempts: -1 });
  // The cluster elects its JetStream leader after it reports ready: retry until it has one.
  for (let tries = 0; ; tries++) {
    try {
      await new Kvm(nc).create(BUCKET, { replicas: 3, history: 5 });
      break;
    } catch (err) {
      if (tries > 100) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // Three consoles, each on a node of its own: writes that reach the stream leader from
  // different nodes are the ones the server lets race.
  apps = await Promise.all(
    cluster.nodes.map((node) => startConsole(node.url, { env: { PIPES_ADMIN_TOKEN: TOKEN, PIPES_BUCKET: BUCKET } })),
  );
}, 90_000);

afterAll(() =>
  disposeAll(...(apps ?? []).map((app) => () => app.stop()), nc && (() => nc.close()), cluster && (() => cluster.stop()), () =>
    rmSync(dir, { recursive: true, force: true }),
  ),
);

const put = (key: string, sql: string, precondition: Record<string, string>, through: number) =>
  fetch(`${apps[through % apps.length]!.url}/api/pipes/${key}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...precondition },
    body: JSON.stringify({ sql }),
  });

/**
 * The statuses of WRITERS concurrent If-Match writes through the consoles in turn, round after
 * round, each from the revision the last round's winner was given (a console's cache may not
 * have the other consoles' last write yet).
 */
async function rounds(key: string, revision: number): Promise<number[][]> {
  const statuses: number[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => put(key, `SELECT ${round}${i}`, { 'if-match': `"${revision}"` }, i)),
    );
    statuses.push(answers.map((res) => res.status).sort());
    const winner = answers.find((res) => res.status === 200);
    if (winner) revision = ((await winner.json()) as { revision: number }).revision;
  }
  return statuses;
}

test('of concurrent PUTs with the same If-Match on a 3-replica bucket, exactly one is stored each time', async () => {
  const created = await put('cas_update', 'SELECT 0', { 'if-none-match': '*' }, 0);
  expect(created.status).toBe(200);
  const statuses = await rounds('cas_update', ((await created.json()) as { revision: number }).revision);
  const oneWinner = [200, ...Array<number>(WRITERS - 1).fill(412)];
  expect(statuses).toEqual(Array.from({ length: ROUNDS }, () => oneWinner));
}, 60_000);

test('of concurrent creates (If-None-Match: *) of one key on a 3-replica bucket, exactly one is stored', async () => {
  const answers = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => put('cas_create', `SELECT ${i}`, { 'if-none-match': '*' }, i)),
  );
  expect(answers.map((res) => res.status).sort()).toEqual([200, ...Array<number>(WRITERS - 1).fill(412)]);
}, 30_000);

test('on a 3-replica bucket, a DELETE with a stale If-Match is a 412 and one with the current revision deletes', async () => {
  const created = await put('cas_delete', 'SELECT 1', { 'if-none-match': '*' }, 0);
  const { revision } = (await created.json()) as { revision: number };
  const updated = await put('cas_delete', 'SELECT 2', { 'if-match': `"${revision}"` }, 1);
  const current = ((await updated.json()) as { revision: number }).revision;
  // Through the console that wrote the update: it has read its own write.
  const del = (ifMatch: number) =>
    fetch(`${apps[1]!.url}/api/pipes/cas_delete`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}`, 'if-match': `"${ifMatch}"` },
    });
  expect((await del(revision)).status).toBe(412);
  expect((await del(current)).status).toBe(204);
  const stored = await new Kvm(nc).open(BUCKET).then((kv) => kv.get('cas_delete'));
  expect(stored?.operation).toBe('DEL');
}, 30_000);
