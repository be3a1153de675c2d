import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from './clickhouse-server.mjs';
import { findCommand } from './ensure-system.mjs';

// A real clickhouse-server (Debian: apt-get install clickhouse-server); /usr/sbin is not on
// every PATH, so look where ensureCommand looks.
const bin = findCommand('clickhouse-server') ?? 'clickhouse-server';

/**
 * POSTs `sql` to the HTTP interface, `params` in the query string. Through fetch's keep-alive
 * pool, as the app will: the stop() test then also shows those sockets do not hold up shutdown.
 */
async function query(server: ClickHouseServer, sql: string, params: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/?${new URLSearchParams(params)}`, { method: 'POST', body: sql });
  return { status: res.status, body: await res.text() };
}

async function ok(server: ClickHouseServer, sql: string, params?: Record<string, string>) {
  const res = await query(server, sql, params);
  expect(res, sql).toMatchObject({ status: 200 });
  return res.body;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const dir = mkdtempSync(path.join(tmpdir(), 'pipes-clickhouse-'));
let server: ClickHouseServer;

beforeAll(async () => {
  server = await startClickHouse({ dir: path.join(dir, 'server'), bin });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('startClickHouse', () => {
  it('answers queries at its url: rows inserted into a MergeTree table read back as JSONCompact', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.httpPort}`);
    await ok(server, 'CREATE TABLE t (id UInt32, name String) ENGINE = MergeTree ORDER BY id');
    await ok(server, "INSERT INTO t VALUES (2, 'two'), (1, 'one'), (3, 'three')");
    const result = JSON.parse(await ok(server, 'SELECT id, name FROM t ORDER BY id FORMAT JSONCompact'));
    expect(result.meta).toEqual([
      { name: 'id', type: 'UInt32' },
      { name: 'name', type: 'String' },
    ]);
    expect(result.data).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('refuses an INSERT under readonly=1 with HTTP 500 and Code 164', async () => {
    await ok(server, 'CREATE TABLE ro (id UInt32) ENGINE = Memory');
    const res = await query(server, 'INSERT INTO ro VALUES (1)', { readonly: '1' });
    expect(res.status).toBe(500);
    expect(res.body).toMatch(/^Code: 164, .*Cannot insert into table in readonly mode/);
    expect(await ok(server, 'SELECT count() FROM ro')).toBe('0\n');
  });

  it('ends a running query named by query_id with KILL QUERY', async () => {
    const queryId = `count-forever-${process.pid}`;
    // max_execution_time only as a backstop, should this test fail before its KILL.
    const running = query(server, 'SELECT count() FROM system.numbers', { query_id: queryId, max_execution_time: '30' });
    running.catch(() => undefined); // awaited below, unless an expectation fails first
    const inProcesses = async () => Number(await ok(server, `SELECT count() FROM system.processes WHERE query_id = '${queryId}'`));
    const until = async (want: number) => {
      const deadline = performance.now() + 3_000; // under vitest's 5 s, so this message is the one seen
      while ((await inProcesses()) !== want) {
        if (performance.now() > deadline) throw new Error(`query ${queryId}: system.processes never showed ${want} of it`);
        await new Promise((resolve) => setTimeout(resolve, 20)); // a poll interval, not a guess at how long it takes
      }
    };

    try {
      await until(1);
      expect(await ok(server, `KILL QUERY WHERE query_id = '${queryId}' FORMAT TSV`)).toMatch(
        new RegExp(`^\\w+\\t${queryId}\\tdefault\\t`),
      );
      await until(0);
      // The client that sent it hears why.
      expect(await running).toMatchObject({ status: 500, body: expect.stringMatching(/^Code: 394, .*Query was cancelled/) });
    } finally {
      // A query left running would hold up the server's shutdown in the tests after this one.
      await query(server, `KILL QUERY WHERE query_id = '${queryId}' SYNC`);
    }
  });

  it('rejects with the reason from the error log when the server exits before it is ready', async () => {
    // A second server in the same data directory: 18.16 refuses to share it and exits (code 70).
    const shared = path.join(dir, 'shared');
    const holder = await startClickHouse({ dir: shared, bin });
    try {
      await expect(startClickHouse({ dir: shared, bin })).rejects.toThrow(
        /exited \(code 70\) before it was ready[\s\S]*Cannot lock file .*status\. Another server instance in same directory is already running/,
      );
    } finally {
      await holder.stop();
    }
  });

  it('rejects naming the binary when it cannot be run', async () => {
    await expect(startClickHouse({ dir: path.join(dir, 'never'), bin: path.join(dir, 'no-such-clickhouse') })).rejects.toThrow(
      /cannot run .*no-such-clickhouse: spawn .* ENOENT/,
    );
  });

  it('stop() ends the server process', async () => {
    await server.stop();
    expect(await server.exited).toMatchObject({ signal: null, code: 0 });
    expect(isRunning(server.pid)).toBe(false);
    await expect(query(server, 'SELECT 1')).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  }, 15_000); // stop() waits up to 5 s before SIGKILL
});
