// The HTTP API (README, "HTTP API") against the production server (`next start`) and a real nats-server,
// with a separate nats.js client playing "another writer" (WaveHouse, a script, the nats CLI).
// One nats-server and one console for the whole file: every test uses keys of its own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestConsole } from '../support/console';
import { readBucket, type RawClient } from '../support/kv';
import type { TestNats } from '../support/nats';
import { parseError } from '../support/json';
import { waitFor } from '../support/poll';
import { disposeTestStack, startTestStack } from '../support/stack';
import { connectSse, type SseEvent } from '../support/sse-client';
import type { Snapshot } from '@/lib/live/protocol';
import type { Entry } from '@/lib/pipes/entry';
import type { FieldIssue } from '@/lib/pipes/schema';

type Listing = Snapshot;
type ErrorBody = { error: string; issues?: FieldIssue[]; current?: Entry | null };

const FIXTURE = path.resolve(import.meta.dirname, '../../lib/pipes/fixtures/wavehouse-pipes.jsonl');

// A static admin token, sent with every request: the API serves no anonymous writes.
const ADMIN_TOKEN = 'integration-admin-token';

let nats: TestNats, raw: RawClient, app: TestConsole;

beforeAll(async () => {
  ({ nats, raw, app } = await startTestStack({ PIPES_ADMIN_TOKEN: ADMIN_TOKEN }));
});

afterAll(() => disposeTestStack({ nats, raw, app }));

const pipePath = (key: string) => `/api/pipes/${encodeURIComponent(key)}`;

function api(urlPath: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  return fetch(`${app.url}${urlPath}`, { ...init, headers });
}

function putJson(urlPath: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return api(urlPath, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function getEntry(key: string): Promise<Entry> {
  const res = await api(pipePath(key));
  expect(res.status).toBe(200);
  return (await res.json()) as Entry;
}

async function listing(): Promise<Listing> {
  const res = await api('/api/pipes');
  expect(res.status).toBe(200);
  return (await res.json()) as Listing;
}

/** Runs `requests` and proves, with a fresh read of the bucket, that they wrote nothing at all. */
async function expectNothingWritten(requests: () => Promise<void>): Promise<void> {
  const before = await readBucket(raw.kv);
  await requests();
  expect(await readBucket(raw.kv)).toEqual(before);
}

/** Opens /api/events resuming after `lastEventId` and returns the first event `wanted` accepts. */
async function readEvent(lastEventId: number, wanted: (e: SseEvent) => boolean): Promise<SseEvent> {
  const client = await connectSse(`${app.url}/api/events`, { lastEventId, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  try {
    expect(client.status).toBe(200);
    const events = await client.waitForEvents((all) => all.some(wanted), 5_000);
    return events.find(wanted)!;
  } finally {
    client.close();
  }
}

/** When the bucket stored `key` (at `revision`), as the API writes it. */
async function storedAt(key: string, revision?: number): Promise<string> {
  const entry = await raw.kv.get(key, revision === undefined ? undefined : { revision });
  if (!entry) throw new Error(`the bucket holds no ${key}${revision === undefined ? '' : ` at revision ${revision}`}`);
  return entry.created.toISOString();
}

/** Creates `key` through the API and returns its revision. */
async function create(key: string, sql = 'SELECT 1'): Promise<number> {
  const res = await putJson(pipePath(key), { sql }, { 'if-none-match': '*' });
  expect(res.status).toBe(200);
  return ((await res.json()) as Entry).revision;
}

describe('reads come from the watched cache', () => {
  test('a pipe another writer puts straight into KV appears in GET /api/pipes and GET /api/pipes/{key} with its revision as ETag', async () => {
    const text = '{"name":"ext_put","sql":"SELECT 1"}';
    const revision = await raw.kv.put('ext_put', text);

    const res = await waitFor(
      async () => {
        const r = await api(pipePath('ext_put'));
        return r.status === 200 ? r : undefined;
      },
      { what: 'ext_put to be served' },
    );
    expect(res.headers.get('etag')).toBe(`"${revision}"`);
    const entry = (await res.json()) as Entry;
    expect(entry).toEqual({
      key: 'ext_put',
      revision,
      updated: await storedAt('ext_put'),
      operation: 'PUT',
      value: { name: 'ext_put', sql: 'SELECT 1' },
    });

    const list = await listing();
    expect(list.revision).toBeGreaterThanOrEqual(revision);
    expect(list.pipes.find((p) => p.key === 'ext_put')).toEqual(entry);
    const keys = list.pipes.map((p) => p.key);
    expect(keys).toEqual([...keys].sort());
  });

  test('entries another writer put that are not valid pipes are listed as invalid with the reason and raw text, logged once each, and health stays 200', async () => {
    const bad = {
      ext_bad_json: '{"name":"ext_bad_json","sql":',
      ext_array: '[1,2,3]',
      ext_blank_sql: '{"name":"ext_blank_sql","sql":"   "}',
    };
    const reasons: Record<keyof typeof bad, string> = {
      ext_bad_json: 'invalid JSON: Unexpected end of JSON input',
      ext_array: 'value must be a JSON object, got an array',
      ext_blank_sql: 'sql: must not be blank',
    };
    const revisions: Record<string, number> = {};
    for (const [key, text] of Object.entries(bad)) revisions[key] = await raw.kv.put(key, text);

    const served = await waitFor(
      async () => {
        const list = await listing();
        const found = Object.keys(bad).map((key) => list.pipes.find((p) => p.key === key));
        return found.every((e) => e !== undefined) ? (found as Entry[]) : undefined;
      },
      { what: 'the invalid entries to be listed' },
    );
    for (const entry of served) {
      expect(entry).toEqual({
        key: entry.key,
        revision: revisions[entry.key],
        updated: await storedAt(entry.key),
        operation: 'PUT',
        value: null,
        raw: bad[entry.key as keyof typeof bad],
        invalid: { message: reasons[entry.key as keyof typeof bad] },
      });
    }

    // One entry on its own is served as well, with its ETag.
    const single = await api(pipePath('ext_array'));
    expect(single.status).toBe(200);
    expect(single.headers.get('etag')).toBe(`"${revisions.ext_array}"`);
    expect(await single.json()).toEqual(served.find((e) => e.key === 'ext_array'));

    const health = await api('/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', nats: 'connected' });

    const warningsFor = (key: string) =>
      app
        .output()
        .split('\n')
        .filter((line) => / warn /.test(line) && /invalid pipe/.test(line) && line.includes(`"key":"${key}"`)).length;
    await waitFor(() => Object.keys(bad).every((key) => warningsFor(key) >= 1), { what: 'a warning per invalid entry in the log' });
    for (const key of Object.keys(bad)) expect(warningsFor(key), key).toBe(1);
  });

  test('a delete and a purge by another writer remove the keys from GET /api/pipes and GET /api/pipes/{key}', async () => {
    await raw.kv.put('ext_del', '{"name":"ext_del","sql":"SELECT 1"}');
    await raw.kv.put('ext_purge', '{"name":"ext_purge","sql":"SELECT 2"}');
    await waitFor(async () => (await api(pipePath('ext_purge'))).status === 200 && (await api(pipePath('ext_del'))).status === 200, {
      what: 'both keys to be served',
    });

    await raw.kv.delete('ext_del');
    await raw.kv.purge('ext_purge');
    const last = (await raw.kv.status()).streamInfo.state.last_seq;

    const list = await waitFor(
      async () => {
        const l = await listing();
        return l.revision >= last ? l : undefined;
      },
      { what: `the cache to reach revision ${last}` },
    );
    expect(list.pipes.map((p) => p.key)).not.toContain('ext_del');
    expect(list.pipes.map((p) => p.key)).not.toContain('ext_purge');
    expect((await api(pipePath('ext_del'))).status).toBe(404);
    expect((await api(pipePath('ext_purge'))).status).toBe(404);
  });
});

describe('a large list is compressed once per revision', () => {
  // Over 64 KiB of JSON: the list is compressed by the route, not by Next.
  beforeAll(async () => {
    const description = 'x'.repeat(600);
    for (let i = 0; i < 150; i++)
      await raw.kv.put(`big_list_${i}`, JSON.stringify({ name: `big_list_${i}`, sql: 'SELECT 1', description }));
    const last = (await raw.kv.status()).streamInfo.state.last_seq;
    await waitFor(async () => ((await listing()).revision >= last ? true : undefined), { what: `the cache to reach revision ${last}` });
  });

  const listIn = (acceptEncoding: string) => api('/api/pipes', { headers: { 'accept-encoding': acceptEncoding } });

  test('GET /api/pipes answers in Brotli when the client takes it, else gzip, else plain', async () => {
    const encodings = await Promise.all(
      ['gzip, deflate, br', 'gzip, deflate', 'identity'].map(async (a) => (await listIn(a)).headers.get('content-encoding')),
    );
    expect(encodings).toEqual(['br', 'gzip', null]);
  });

  test('the compressed list is the same JSON as the plain one', async () => {
    const text = async (acceptEncoding: string) => (await listIn(acceptEncoding)).text();
    const [br, gzip, plain] = await Promise.all([text('br'), text('gzip'), text('identity')]);
    expect(JSON.parse(plain).pipes.length).toBeGreaterThanOrEqual(150);
    expect([br, gzip]).toEqual([plain, plain]);
  });
});

describe('PUT writes the WaveHouse wire format', () => {
  const fixtureLine = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .find((line) => line.includes('"name":"signal_window"'))!;

  /** The same object with every key order reversed, to show the console writes its own canonical order. */
  function reversed(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reversed);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reversed(v)]),
      );
    return value;
  }

  test('the signal_window fixture PUT through the API (fields in any order) is stored byte for byte as WaveHouse wrote it, resolved_tables kept', async () => {
    const body = reversed(JSON.parse(fixtureLine));
    // The same pipe, other bytes: what is stored below is the console's own order, not an echo.
    expect(body).toEqual(JSON.parse(fixtureLine));
    expect(JSON.stringify(body)).not.toBe(fixtureLine);
    const res = await putJson(pipePath('signal_window'), body, { 'if-none-match': '*' });
    expect(res.status).toBe(200);
    const entry = (await res.json()) as Entry;
    expect(res.headers.get('etag')).toBe(`"${entry.revision}"`);
    expect(entry.value).toEqual(JSON.parse(fixtureLine));

    const stored = await raw.kv.get('signal_window');
    expect(stored?.revision).toBe(entry.revision);
    expect(stored?.string()).toBe(fixtureLine);
    expect((await getEntry('signal_window')).value?.resolved_tables).toEqual(['signals']);
  });

  test('an unknown field inside a parameter survives a PUT, and the name in the URL wins over the body', async () => {
    const withParamExtra = fixtureLine
      .replace('"name":"signal_window"', '"name":"param_extra"')
      .replace('{"name":"from","type":"","required":true}', '{"name":"from","type":"","required":true,"unit":"ms","ui":{"widget":"date"}}');
    expect(withParamExtra).toContain('"unit":"ms"');
    expect(withParamExtra).toContain('"name":"param_extra"');

    const body = { ...(JSON.parse(withParamExtra) as object), name: 'some_other_name' };
    const res = await putJson(pipePath('param_extra'), body, { 'if-match': '*' });
    expect(res.status).toBe(200);
    expect((await raw.kv.get('param_extra'))?.string()).toBe(withParamExtra);
    expect((await getEntry('param_extra')).value).toEqual(JSON.parse(withParamExtra));
  });
});

describe('writes are compare-and-set', () => {
  test('a PUT without If-Match or If-None-Match is refused with 428 and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const res = await putJson(pipePath('cas_no_precondition'), { sql: 'SELECT 1' });
      expect(res.status).toBe(428);
      expect(((await res.json()) as ErrorBody).error).toBe('a write needs If-Match: "<revision>", If-Match: * or If-None-Match: *');
    });
    expect(await raw.kv.get('cas_no_precondition')).toBeNull();
  });

  test('a PUT with a stale If-Match gets 412 with { error, current } holding the entry now, and the key keeps its value', async () => {
    const r1 = await create('cas_stale');
    const second = await putJson(pipePath('cas_stale'), { sql: 'SELECT 2' }, { 'if-match': `"${r1}"` });
    expect(second.status).toBe(200);
    const r2 = ((await second.json()) as Entry).revision;
    expect(r2).toBeGreaterThan(r1);
    expect(second.headers.get('etag')).toBe(`"${r2}"`);

    await expectNothingWritten(async () => {
      const stale = await putJson(pipePath('cas_stale'), { sql: 'SELECT 3' }, { 'if-match': `"${r1}"` });
      expect(stale.status).toBe(412);
      const body = (await stale.json()) as ErrorBody;
      expect(body.error).toBe(`"cas_stale" is at revision ${r2}`);
      expect(body.current).toMatchObject({
        key: 'cas_stale',
        revision: r2,
        operation: 'PUT',
        value: { name: 'cas_stale', sql: 'SELECT 2' },
      });
    });
    expect((await getEntry('cas_stale')).value).toEqual({ name: 'cas_stale', sql: 'SELECT 2' });
  });

  test('If-None-Match: * refuses an existing key with 412 and creates over a deleted one with 200', async () => {
    const r1 = await create('cas_absent');
    await expectNothingWritten(async () => {
      const res = await putJson(pipePath('cas_absent'), { sql: 'SELECT 2' }, { 'if-none-match': '*' });
      expect(res.status).toBe(412);
      expect(((await res.json()) as ErrorBody).current).toMatchObject({ key: 'cas_absent', revision: r1 });
    });

    expect((await api(pipePath('cas_absent'), { method: 'DELETE', headers: { 'if-match': `"${r1}"` } })).status).toBe(204);
    const again = await putJson(pipePath('cas_absent'), { sql: 'SELECT 3' }, { 'if-none-match': '*' });
    expect(again.status).toBe(200);
    expect((await raw.kv.get('cas_absent'))?.string()).toBe('{"name":"cas_absent","sql":"SELECT 3"}');
  });

  test('If-Match: * creates a missing key and overwrites an existing one', async () => {
    const created = await putJson(pipePath('cas_any'), { sql: 'SELECT 1' }, { 'if-match': '*' });
    expect(created.status).toBe(200);
    const overwritten = await putJson(pipePath('cas_any'), { sql: 'SELECT 2' }, { 'if-match': '*' });
    expect(overwritten.status).toBe(200);
    const entry = (await overwritten.json()) as Entry;
    expect(entry.revision).toBeGreaterThan(((await created.json()) as Entry).revision);
    const stored = await raw.kv.get('cas_any');
    expect(stored?.revision).toBe(entry.revision);
    expect(stored?.string()).toBe('{"name":"cas_any","sql":"SELECT 2"}');
  });

  test('a key holding "/" that another writer created, sent as %2F, is updated, served, listed in history and deleted under its real name', async () => {
    const first = await raw.kv.put('team/daily', '{"name":"team/daily","sql":"SELECT 0"}');
    await waitFor(async () => (await api('/api/pipes/team%2Fdaily')).status === 200, { what: 'the cache to have team/daily' });
    const res = await putJson('/api/pipes/team%2Fdaily', { sql: 'SELECT 1' }, { 'if-match': `"${first}"` });
    expect(res.status).toBe(200);
    const entry = (await res.json()) as Entry;
    expect(entry.key).toBe('team/daily');
    expect((await raw.kv.get('team/daily'))?.string()).toBe('{"name":"team/daily","sql":"SELECT 1"}');
    expect(await getEntry('team/daily')).toMatchObject({ key: 'team/daily', revision: entry.revision });
    const history = await api('/api/pipes/team%2Fdaily/history');
    expect(history.status).toBe(200);
    expect(((await history.json()) as { history: Entry[] }).history.map((h) => h.revision)).toEqual([entry.revision, first]);
    expect((await api('/api/pipes/team%2Fdaily', { method: 'DELETE', headers: { 'if-match': '*' } })).status).toBe(204);
    expect((await raw.kv.get('team/daily'))?.operation).toBe('DEL');
  });
});

describe('names of new pipes', () => {
  test.each([
    ['team.report', { 'if-none-match': '*' }],
    ['team/weekly', { 'if-none-match': '*' }],
    ['a=b', { 'if-match': '*' }],
  ])('creating %s through the API is a 400 naming the rule, and writes nothing', async (key, headers) => {
    await expectNothingWritten(async () => {
      const res = await putJson(pipePath(key), { sql: 'SELECT 1' }, headers);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error).toBe(
        `cannot create "${key}": names of new pipes are letters, digits, "_" and "-", 1 to 128 characters`,
      );
    });
  });

  test('a dotted key another writer created stays writable: updated, deleted, and created again', async () => {
    const first = await raw.kv.put('ext.dotted', '{"name":"ext.dotted","sql":"SELECT 0"}');
    await waitFor(async () => (await api(pipePath('ext.dotted'))).status === 200, { what: 'the cache to have ext.dotted' });
    const updated = await putJson(pipePath('ext.dotted'), { sql: 'SELECT 1' }, { 'if-match': `"${first}"` });
    expect(updated.status).toBe(200);
    expect((await api(pipePath('ext.dotted'), { method: 'DELETE', headers: { 'if-match': '*' } })).status).toBe(204);
    const again = await putJson(pipePath('ext.dotted'), { sql: 'SELECT 2' }, { 'if-none-match': '*' });
    expect(again.status).toBe(200);
    expect((await raw.kv.get('ext.dotted'))?.json()).toEqual({ name: 'ext.dotted', sql: 'SELECT 2' });
  });
});

describe('answers about one pipe carry its warnings', () => {
  test('a PUT answers with the warnings of what it wrote', async () => {
    const res = await putJson(
      pipePath('warned'),
      { sql: 'SELECT {{since}}', parameters: [{ name: 'unused', type: 'string' }] },
      { 'if-none-match': '*' },
    );
    expect(res.status).toBe(200);
    const { warnings } = (await res.json()) as Entry;
    expect(warnings).toEqual([expect.stringContaining('since'), expect.stringContaining('unused')]);
  });

  test('a GET of one pipe another writer put answers with its warnings', async () => {
    await raw.kv.put('warned_ext', JSON.stringify({ name: 'warned_ext', sql: 'SELECT {{since}}' }));
    const entry = await waitFor(
      async () => {
        const r = await api(pipePath('warned_ext'));
        return r.status === 200 ? ((await r.json()) as Entry) : undefined;
      },
      { what: 'warned_ext to be served' },
    );
    expect(entry.warnings).toEqual([expect.stringContaining('since')]);
  });
});

describe('bad requests are refused and write nothing', () => {
  const invalidBodies: [string, unknown, FieldIssue][] = [
    ['blank sql', { sql: '  \n ' }, { path: 'sql', message: 'must not be blank' }],
    ['no sql', { description: 'x' }, { path: 'sql', message: 'is required' }],
    [
      'duplicate parameter names',
      { sql: 'SELECT {{a}}', parameters: [{ name: 'a' }, { name: 'a' }] },
      { path: 'parameters.1.name', message: 'duplicate parameter name "a"' },
    ],
    [
      'a bad parameter type',
      { sql: 'SELECT {{a}}', parameters: [{ name: 'a', type: 'date' }] },
      { path: 'parameters.0.type', message: 'must be one of "", "string", "number", "boolean", "array"' },
    ],
    [
      'a bad parameter name',
      { sql: 'SELECT 1', parameters: [{ name: 'a-b' }] },
      { path: 'parameters.0.name', message: 'must contain only letters, digits and _' },
    ],
    ['a JSON array', [{ sql: 'SELECT 1' }], { path: '', message: 'body must be a JSON object, got an array' }],
  ];

  test.each(invalidBodies)('a body with %s gets 400 with its one issue', async (_what, body, issue) => {
    await expectNothingWritten(async () => {
      const res = await putJson(pipePath('bad_body'), body, { 'if-match': '*' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid pipe', issues: [issue] });
    });
  });

  test.each([
    ['a..b', 'an empty token', "key must not contain '..'"],
    ['..%2F..%2Fetc', 'a path-traversal-looking key', "key must not start or end with '.'"],
    ['.hidden', 'a leading dot', "key must not start or end with '.'"],
    ['trailing.', 'a trailing dot', "key must not start or end with '.'"],
    ['caf%C3%A9', 'a non-ASCII letter', 'key contains characters NATS KV does not allow: "é"'],
    ['a%20b', 'a space', 'key contains characters NATS KV does not allow: " "'],
    ['a*b', 'a wildcard', 'key contains characters NATS KV does not allow: "*"'],
  ])('the key %s (%s) is not a legal NATS key: 400 for PUT, GET and DELETE', async (segment, _what, message) => {
    await expectNothingWritten(async () => {
      const res = await putJson(`/api/pipes/${segment}`, { sql: 'SELECT 1' }, { 'if-match': '*' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: `invalid key: ${message}`, issues: [{ path: 'key', message }] });
      expect((await api(`/api/pipes/${segment}`)).status).toBe(400);
      expect((await api(`/api/pipes/${segment}`, { method: 'DELETE', headers: { 'if-match': '*' } })).status).toBe(400);
    });
  });

  test('a body that is not JSON gets 400, an empty body 400', async () => {
    await expectNothingWritten(async () => {
      const text = '{"sql": "SELECT 1"';
      const res = await putJson(pipePath('bad_json'), text, { 'if-match': '*' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error).toBe(`the body is not valid JSON: ${parseError(text)}`);
      expect((await putJson(pipePath('bad_json'), '', { 'if-match': '*' })).status).toBe(400);
    });
  });

  test('a text/plain body gets 415', async () => {
    await expectNothingWritten(async () => {
      const res = await api(pipePath('bad_type'), {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'if-match': '*' },
        body: JSON.stringify({ sql: 'SELECT 1' }),
      });
      expect(res.status).toBe(415);
    });
  });

  test('a body over 1 MiB gets 413, whether its length is declared or it is streamed in chunks', async () => {
    const big = JSON.stringify({ sql: `SELECT '${'x'.repeat(1024 * 1024)}'` });
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
    await expectNothingWritten(async () => {
      const declared = await putJson(pipePath('too_big'), big, { 'if-match': '*' });
      expect(declared.status).toBe(413);

      const bytes = new TextEncoder().encode(big);
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
          controller.close();
        },
      });
      const streamed = await api(pipePath('too_big'), {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'if-match': '*' },
        body: chunked,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
    });
  });

  test('contradictory or malformed preconditions get 400', async () => {
    await expectNothingWritten(async () => {
      expect((await putJson(pipePath('bad_pre'), { sql: 'SELECT 1' }, { 'if-match': '*', 'if-none-match': '*' })).status).toBe(400);
      expect((await putJson(pipePath('bad_pre'), { sql: 'SELECT 1' }, { 'if-match': '"abc"' })).status).toBe(400);
      expect((await putJson(pipePath('bad_pre'), { sql: 'SELECT 1' }, { 'if-none-match': '"3"' })).status).toBe(400);
    });
  });
});

describe('DELETE and history', () => {
  test('DELETE: 428 without precondition, 412 with a stale If-Match, 404 when absent, 204 when current, then GET 404', async () => {
    const r1 = await create('del_me');
    const update = await putJson(pipePath('del_me'), { sql: 'SELECT 2' }, { 'if-match': `"${r1}"` });
    const r2 = ((await update.json()) as Entry).revision;

    await expectNothingWritten(async () => {
      expect((await api(pipePath('del_me'), { method: 'DELETE' })).status).toBe(428);
      const stale = await api(pipePath('del_me'), { method: 'DELETE', headers: { 'if-match': `"${r1}"` } });
      expect(stale.status).toBe(412);
      expect(((await stale.json()) as ErrorBody).current).toMatchObject({ key: 'del_me', revision: r2 });
      expect((await api(pipePath('never_existed'), { method: 'DELETE', headers: { 'if-match': '*' } })).status).toBe(404);
      expect((await api(pipePath('del_me'), { method: 'DELETE', headers: { 'if-none-match': '*' } })).status).toBe(400);
    });

    const ok = await api(pipePath('del_me'), { method: 'DELETE', headers: { 'if-match': `"${r2}"` } });
    expect(ok.status).toBe(204);
    expect((await api(pipePath('del_me'))).status).toBe(404);
    expect((await listing()).pipes.map((p) => p.key)).not.toContain('del_me');
    expect((await raw.kv.get('del_me'))?.operation).toBe('DEL');
    // A deleted key is absent.
    expect((await api(pipePath('del_me'), { method: 'DELETE', headers: { 'if-match': '*' } })).status).toBe(404);
  });

  test('a DELETE answers 204 only once the cache has applied it, labelled with who deleted it (resumed live channel)', async () => {
    for (let i = 0; i < 5; i++) {
      const key = `del_actor${i}`;
      const revision = await create(key);
      expect((await api(pipePath(key), { method: 'DELETE', headers: { 'if-match': `"${revision}"` } })).status).toBe(204);
      expect((await api(pipePath(key))).status).toBe(404);
      const marker = await raw.kv.get(key);
      expect(marker?.operation).toBe('DEL');
      expect(await listing()).toMatchObject({ revision: expect.toSatisfy((r: number) => r >= marker!.revision) });

      // Resuming the live channel right after the create replays the delete as the console saw it.
      const event = await readEvent(revision, (e) => e.event === 'delete' && (e.data as { key: string }).key === key);
      expect(event.id).toBe(marker!.revision);
      // An external delete carries no actor at all; this one names the token's principal.
      expect(event.data).toEqual({
        key,
        revision: marker!.revision,
        updated: marker!.created.toISOString(),
        operation: 'DEL',
        actor: 'admin token',
      });
    }
  });

  test('history lists every revision newest first with its actor and where it is held, the delete marker as { key, revision, updated, operation: "DEL" }', async () => {
    const r1 = await create('hist_me', 'SELECT 1');
    const r2 = ((await (await putJson(pipePath('hist_me'), { sql: 'SELECT 2' }, { 'if-match': `"${r1}"` })).json()) as Entry).revision;
    expect((await api(pipePath('hist_me'), { method: 'DELETE', headers: { 'if-match': `"${r2}"` } })).status).toBe(204);
    const marker = await raw.kv.get('hist_me');
    expect(marker?.operation).toBe('DEL');

    const res = await api(`${pipePath('hist_me')}/history`);
    expect(res.status).toBe(200);
    const { history, next } = (await res.json()) as { history: unknown[]; next: string | null };
    const by = { actor: 'admin token', source: 'bucket' };
    expect(history).toEqual([
      { key: 'hist_me', revision: marker!.revision, updated: marker!.created.toISOString(), operation: 'DEL', ...by },
      {
        key: 'hist_me',
        revision: r2,
        updated: await storedAt('hist_me', r2),
        operation: 'PUT',
        value: { name: 'hist_me', sql: 'SELECT 2' },
        ...by,
      },
      {
        key: 'hist_me',
        revision: r1,
        updated: await storedAt('hist_me', r1),
        operation: 'PUT',
        value: { name: 'hist_me', sql: 'SELECT 1' },
        ...by,
      },
    ]);
    expect(next).toBeNull();

    // The bucket keeps 3 revisions per key: a fourth write pushes the oldest out, to the archive only.
    const r4 = ((await (await putJson(pipePath('hist_me'), { sql: 'SELECT 4' }, { 'if-none-match': '*' })).json()) as Entry).revision;
    const deeper = await waitFor(async () => {
      const body = (await (await api(`${pipePath('hist_me')}/history`)).json()) as { history: { revision: number; source: string }[] };
      return body.history.length === 4 ? body.history : undefined;
    });
    expect(deeper.map((h) => [h.revision, h.source])).toEqual([
      [r4, 'bucket'],
      [marker!.revision, 'bucket'],
      [r2, 'bucket'],
      [r1, 'archive'],
    ]);
  });

  test('history of a key neither the bucket nor the archive holds is 404', async () => {
    expect((await api(`${pipePath('hist_never')}/history`)).status).toBe(404);
  });
});
