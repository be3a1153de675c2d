// The pipes.json mirror across two console instances (A and B) on one nats-server, with a local
// HTTP server answering WaveHouse's settings reload (POST /v1/ops/settings/reload) as WaveHouse
// documents it: 200 {"adopted": true, "findings": []} or 422 with findings.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodePipesFile } from '@/lib/files/pipes-json.mjs';
import { assertFreshBuild } from '../support/build';
import { startConsole, type TestConsole } from '../support/console';
import { disposeAll } from '../support/dispose';
import { openRawClient, type RawClient } from '../support/kv';
import { startTestNats, type TestNats } from '../support/nats';
import { waitFor } from '../support/poll';

const ADMIN = 'mirror-admin-token';
const RELOAD_TOKEN = 'mirror-reload-token';
/** The mirror writes within 800 ms of a change; the deadline adds room for a busy 2-core machine. */
const FOLLOWS_MS = 1_500;

type Call = { authorization?: string; at: number };
type Answer = { status: number; body: unknown };
type Health = {
  mirror: {
    state: string;
    writer: boolean;
    holder: string | null;
    revision?: number;
    left_out?: { key: string; revision: number; message: string }[];
    reload?: { revision: number; status?: number; adopted?: boolean; findings: { message: string }[]; error?: string } | null;
  };
};

let nats: TestNats, raw: RawClient, a: TestConsole, b: TestConsole, dir: string, stub: Server;
const calls: Call[] = [];
let answer: Answer = { status: 200, body: { adopted: true, findings: [] } };

beforeAll(async () => {
  await assertFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'pipes-mirror-'));
  stub = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/ops/settings/reload') return void res.writeHead(404).end();
      calls.push({ authorization: req.headers.authorization, at: Date.now() });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const reloadUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1/ops/settings/reload`;
  nats = await startTestNats();
  raw = await openRawClient(nats.url);
  const env = {
    PIPES_ADMIN_TOKEN: ADMIN,
    PIPES_MIRROR_DIR: dir,
    PIPES_MIRROR_RELOAD_URL: reloadUrl,
    PIPES_MIRROR_RELOAD_TOKEN: RELOAD_TOKEN,
  };
  [a, b] = await Promise.all([startConsole(nats.url, { env }), startConsole(nats.url, { env })]);
  await waitFor(async () => (await health(a)).mirror.holder !== null && (await health(b)).mirror.holder, { what: 'a mirror writer' });
});

afterAll(() =>
  disposeAll(
    () => a?.stop(),
    () => b?.stop(),
    () => raw?.close(),
    () => nats?.dispose(),
    () => new Promise((resolve) => stub?.close(resolve)),
    () => dir && rm(dir, { recursive: true, force: true }),
  ),
);

async function health(app: TestConsole): Promise<Health> {
  return (await fetch(`${app.url}/api/health`)).json() as Promise<Health>;
}

/** pipes.json as WaveHouse would read it now: strictly decoded, or the test fails. */
async function mirrored(): Promise<Map<string, { sql: string }>> {
  const decoded = decodePipesFile(await readFile(join(dir, 'pipes.json')));
  expect(decoded.findings).toEqual([]);
  return new Map(decoded.pipes!.map((p) => [p.name, p]));
}

const pipe = (name: string, sql = 'SELECT 1') => JSON.stringify({ name, sql });
let counter = 0;
const uniqueKey = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${counter++}`;

/** The mirror has written (and reloaded) the bucket at `revision` or later. */
const reloadedAt = async (app: TestConsole, revision: number) => {
  const m = (await health(app)).mirror;
  return m.reload && m.reload.revision >= revision ? m : undefined;
};

describe('the pipes.json mirror', () => {
  test('a put by another writer reaches pipes.json within the bound', async () => {
    const key = uniqueKey('put');
    await raw.kv.put(key, pipe(key, 'SELECT 42'));
    const file = await waitFor(async () => ((await mirrored()).has(key) ? mirrored() : undefined), {
      timeoutMs: FOLLOWS_MS,
      what: `${key} in pipes.json`,
    });
    expect(file.get(key)?.sql).toBe('SELECT 42');
  });

  test('a delete takes the pipe out of pipes.json within the bound', async () => {
    const key = uniqueKey('del');
    await raw.kv.put(key, pipe(key));
    await waitFor(async () => (await mirrored()).has(key), { timeoutMs: FOLLOWS_MS, what: `${key} in pipes.json` });
    await raw.kv.delete(key);
    await waitFor(async () => !(await mirrored()).has(key), { timeoutMs: FOLLOWS_MS, what: `${key} gone from pipes.json` });
  });

  test('an invalid entry is left out of pipes.json and listed on /api/health', async () => {
    const key = uniqueKey('bad');
    const revision = await raw.kv.put(key, '{"name": "x", "sql": ');
    const m = await waitFor(
      async () => {
        const { mirror } = await health(a);
        return (mirror.revision ?? 0) >= revision && mirror;
      },
      { what: 'the mirror at the invalid entry' },
    );
    expect((await mirrored()).has(key)).toBe(false);
    expect(m.left_out).toContainEqual(expect.objectContaining({ key, revision }));
  });

  test('exactly one of two instances writes, and both name the same writer', async () => {
    // Polled: while a paused holder hands over, neither may say it writes for a moment.
    await waitFor(
      async () => {
        const [ha, hb] = await Promise.all([health(a), health(b)]);
        return [ha.mirror.writer, hb.mirror.writer].filter(Boolean).length === 1 && ha.mirror.holder === hb.mirror.holder;
      },
      { timeoutMs: 5_000, what: 'one writer named by both instances' },
    );
  });

  test('the reload endpoint is called with the bearer token', async () => {
    const key = uniqueKey('token');
    const revision = await raw.kv.put(key, pipe(key));
    await waitFor(() => reloadedAt(a, revision), { what: 'a reload' });
    expect(calls.at(-1)?.authorization).toBe(`Bearer ${RELOAD_TOKEN}`);
  });

  test('a burst of changes leads to one reload call', async () => {
    const key = uniqueKey('burst');
    // Quiet first: the reload of a change of our own is over, and nothing else is pending.
    const quiet = await raw.kv.put(`${key}_quiet`, pipe(`${key}_quiet`));
    await waitFor(() => reloadedAt(a, quiet), { what: 'a quiet mirror' });
    const before = calls.length;
    const revisions = await Promise.all(Array.from({ length: 20 }, (_, i) => raw.kv.put(`${key}_${i}`, pipe(`${key}_${i}`))));
    await waitFor(() => reloadedAt(a, Math.max(...revisions)), { what: 'the reload after the burst' });
    expect(calls.length - before).toBe(1);
  });

  test("WaveHouse's 422 findings are shown on /api/health", async () => {
    answer = {
      status: 422,
      body: {
        adopted: false,
        findings: [{ severity: 'error', file: 'pipes.json', path: 'pipes[0]', message: 'role "ops" is not declared' }],
      },
    };
    try {
      const key = uniqueKey('refused');
      const revision = await raw.kv.put(key, pipe(key));
      const m = await waitFor(() => reloadedAt(b, revision), { what: 'the refused reload, as the standby shows it' });
      expect(m.reload).toMatchObject({ status: 422, adopted: false, findings: [{ message: 'role "ops" is not declared' }] });
    } finally {
      answer = { status: 200, body: { adopted: true, findings: [] } };
    }
  });

  test('a reader never sees a torn pipes.json while a burst is written', async () => {
    const key = uniqueKey('torn');
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        await mirrored(); // fails the test on a half-written file
        reads++;
      }
    })();
    const revisions: number[] = [];
    for (let i = 0; i < 30; i++)
      revisions.push(await raw.kv.put(`${key}_${i % 5}`, pipe(`${key}_${i % 5}`, `SELECT ${'x'.repeat(i * 100)}`)));
    await waitFor(() => reloadedAt(a, revisions.at(-1)!), { what: 'the last write of the burst' });
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
  });

  test('when the writer stops, the other instance takes over and writes the next change', async () => {
    const writer = (await health(a)).mirror.writer ? a : b;
    const other = writer === a ? b : a;
    await writer.stop();
    const key = uniqueKey('takeover');
    await raw.kv.put(key, pipe(key));
    await waitFor(async () => (await mirrored()).has(key), { what: `${key} written by the instance that took over` });
    expect((await health(other)).mirror.writer).toBe(true);
  });
});
