// Bad requests against the production server (`next start`) and a real nats-server: one table,
// each row a request an admin (or a script with the admin token) could send by mistake or on
// purpose, with the status it must get and, where the API answers it, the error it must get. Every
// row must leave the bucket untouched (its last revision is read before and after); at the end,
// the bucket holds exactly the keys the positive controls wrote, and the console is healthy.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestConsole } from '../support/console';
import { parseError } from '../support/json';
import { lastRevision, type RawClient } from '../support/kv';
import type { TestNats } from '../support/nats';
import { waitFor } from '../support/poll';
import { disposeTestStack, startTestStack } from '../support/stack';
import { rawRequest, type RawBody } from '../support/raw-http';

const ADMIN_TOKEN = 'bad-input-admin-token';
const MIB = 1024 * 1024;
/** nats-server's default max_payload; the test server runs with the default. */
const NATS_MAX_PAYLOAD = MIB;

/** Written before the table; precondition rows run against it. */
const EXISTING = 'bad_input_existing';
/** Every PUT row of the table targets this key, which must never come to exist. */
const TARGET = 'bad_input_target';
/** The keys this file writes on purpose (positive controls included). */
const DELIBERATE = new Set([EXISTING, 'team/reports.daily', 'a=b-c_d.e', 'k'.repeat(1024), 'external_deep']);

let nats: TestNats, raw: RawClient, app: TestConsole;
let existingRevision: number;

beforeAll(async () => {
  ({ nats, raw, app } = await startTestStack({ PIPES_ADMIN_TOKEN: ADMIN_TOKEN, PIPES_VIEWER_TOKEN: '', PIPES_JWT_SECRET: '' }));
  const res = await send({
    path: `/api/pipes/${EXISTING}`,
    headers: { 'if-match': undefined, 'if-none-match': '*' },
    body: '{"sql":"SELECT 1"}',
  });
  expect(res.status).toBe(200);
  existingRevision = Number(JSON.parse(res.body).revision);
});

afterAll(() => disposeTestStack({ nats, raw, app }));

// ---------------------------------------------------------------------------------------------

/** The `error` of an answer: exact, or a pattern where the text carries what the row cannot know. */
type Message = string | RegExp;
type Issue = { path: string; message: string };

type Expected =
  /** `{ error }`, with no issues (an empty `issues` list at most). */
  | { shape: 'error'; message: Message }
  /** `{ error, issues }`, with exactly these issues, in any order. */
  | { shape: 'issues'; issues: Issue[]; message: Message }
  /** `{ error, current }` of a failed precondition, `current` being the entry at this key; the error names its revision. */
  | { shape: 'current'; current: string; message?: never }
  /** Next answers before any route: a status, no API body. */
  | { shape: 'none'; message?: never };

type RequestSpec = {
  method?: string;
  /** Sent as given (already percent-encoded). */
  path?: string;
  /** Merged over the defaults: admin bearer, JSON content type, If-Match: *. */
  headers?: Record<string, string | undefined>;
  body?: RawBody;
  /** Over a raw socket of its own, for what fetch would normalise or refuse to send, and for bodies the server stops reading. */
  raw?: boolean;
};

type Row = RequestSpec &
  Expected & {
    name: string;
    /** Expected status, or the statuses allowed where the server's answer is not ours to choose. */
    status: number | number[];
  };

type Answer = { status: number; headers: Record<string, string>; body: string };

const DEFAULT_HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'if-match': '*' };

async function send(row: RequestSpec): Promise<Answer> {
  const method = row.method ?? 'PUT';
  const urlPath = row.path ?? `/api/pipes/${TARGET}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...DEFAULT_HEADERS, ...row.headers })) if (v !== undefined) headers[k] = v;
  const body = row.body;
  if (row.raw || (typeof body === 'object' && !Buffer.isBuffer(body))) {
    // Its own connection: fetch would reuse one the server may still be reading a refused body on.
    const head = [`${method} ${urlPath} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (!('content-length' in headers) && (typeof body === 'string' || Buffer.isBuffer(body)))
      head.push(`Content-Length: ${Buffer.byteLength(body)}`);
    return rawRequest(app.url, head, body);
  }
  const res = await fetch(`${app.url}${urlPath}`, {
    method,
    headers,
    body: Buffer.isBuffer(body) ? new Uint8Array(body) : body,
    redirect: 'manual',
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

const pipePath = (encodedKey: string, suffix = '') => `/api/pipes/${encodedKey}${suffix}`;
const json = (value: unknown) => JSON.stringify(value);
const valid = (extra: Record<string, unknown> = {}) => json({ sql: 'SELECT {{p}}', parameters: [{ name: 'p', type: 'string' }], ...extra });
/** A JSON body of exactly `bytes` bytes: one SQL string padded to size. */
function bodyOfSize(bytes: number, filler = 'x'): string {
  const head = '{"sql":"SELECT \'';
  const tail = '\'"}';
  return head + filler.repeat(bytes - head.length - tail.length) + tail;
}
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

// ---------------------------------------------------------------------------------------------
// The table.

/** A body refused as a whole: one issue at the root. */
const bodyIssue = (message: string, error: Message): Expected => ({ shape: 'issues', issues: [{ path: '', message }], message: error });

const MALFORMED_JSON: [string, string][] = [
  ['a lone opening brace', '{'],
  ['a lone closing brace', '}'],
  ['a lone opening bracket', '['],
  ['a member without a value', '{"sql":}'],
  ['a member without a colon', '{"sql" "SELECT 1"}'],
  ['an unterminated object', '{"sql":"SELECT 1"'],
  ['an unterminated string', '{"sql":"SELECT 1}'],
  ['a trailing comma', '{"sql":"SELECT 1",}'],
  ['a double comma', '{"sql":"SELECT 1",,"description":"d"}'],
  ['an object holding only a comma', '{,}'],
  ['a mismatched closing bracket', '{"sql":"SELECT 1"]'],
  ['single-quoted strings', "{'sql':'SELECT 1'}"],
  ['an unquoted member name', '{sql:"SELECT 1"}'],
  ['text after the value', '{"sql":"SELECT 1"} trailing'],
  ['two values in a row', '{"sql":"SELECT 1"}{"sql":"SELECT 2"}'],
  ['a raw control character in a string', '{"sql":"SELECT\u0001 1"}'],
  ['a raw line break in a string', '{"sql":"SELECT\n1"}'],
  ['a truncated \\u escape', '{"sql":"\\u12"}'],
  ['an unknown escape', '{"sql":"\\q"}'],
  ['NaN', '{"sql":NaN}'],
  ['Infinity', '{"sql":Infinity}'],
  ['undefined', '{"sql":undefined}'],
  ['a block comment', '{"sql":"SELECT 1" /* comment */}'],
  ['a line comment', '// comment\n{"sql":"SELECT 1"}'],
  ['a number with a leading zero', '{"sql":"SELECT 1","n":01}'],
  ['a number starting with a dot', '{"sql":"SELECT 1","n":.5}'],
  ['a number ending with a dot', '{"sql":"SELECT 1","n":1.}'],
  ['a number with a plus sign', '{"sql":"SELECT 1","n":+1}'],
  ['a hexadecimal number', '{"sql":"SELECT 1","n":0x10}'],
  ['a truncated null', 'nul'],
  ['a truncated true', 'tru'],
  ['plain SQL instead of JSON', 'SELECT 1'],
  ['XML', '<pipe><sql>SELECT 1</sql></pipe>'],
  ['a NUL byte alone', '\u0000'],
];

/** The JSON, and what the server calls its type. */
const NON_OBJECTS: [string, string, string][] = [
  ['an empty array', '[]', 'an array'],
  ['an array holding a pipe', '[{"sql":"SELECT 1"}]', 'an array'],
  ['a string', '"SELECT 1"', 'a string'],
  ['a number', '42', 'a number'],
  ['a negative zero', '-0', 'a number'],
  ['a number too large for a double', '1e400', 'a number'],
  ['null', 'null', 'null'],
  ['true', 'true', 'a boolean'],
  ['false', 'false', 'a boolean'],
];

const EDGE_DOT = "key must not start or end with '.'";
const DOUBLE_DOT = "key must not contain '..'";
/** The refused characters as the server shows them: quoted, controls and format characters as \uXXXX. */
const notAllowed = (...shown: string[]) => `key contains characters NATS KV does not allow: ${shown.map((c) => `"${c}"`).join(', ')}`;
const tooLong = (length: number) => `key must be at most 1024 characters, got ${length}`;

/** The key as sent (percent-encoded), and the one issue it must get. */
const BAD_KEYS: [string, string, string][] = [
  ['a leading dot', '.a', EDGE_DOT],
  ['a trailing dot', 'a.', EDGE_DOT],
  ['a percent-encoded leading dot', '%2Ea', EDGE_DOT],
  ['a double dot inside', 'a..b', DOUBLE_DOT],
  ['a space', 'a%20b', notAllowed(' ')],
  ['a leading space', '%20a', notAllowed(' ')],
  ['the * wildcard', '*', notAllowed('*')],
  ['the > wildcard', '%3E', notAllowed('>')],
  ['a wildcard token after a dot', 'a.%3E', notAllowed('>')],
  ['a * inside', 'a*b', notAllowed('*')],
  ['an accented letter', 'caf%C3%A9', notAllowed('é')],
  ['CJK characters', '%E6%97%A5%E6%9C%AC', notAllowed('日', '本')],
  ['an emoji', '%F0%9F%92%A9', notAllowed('💩')],
  ['a NUL (%00)', 'a%00b', notAllowed('\\u0000')],
  ['a line feed (%0A)', 'a%0Ab', notAllowed('\\u000a')],
  ['a carriage return (%0D)', 'a%0Db', notAllowed('\\u000d')],
  ['a tab (%09)', 'a%09b', notAllowed('\\u0009')],
  ['DEL (%7F)', 'a%7Fb', notAllowed('\\u007f')],
  ['a right-to-left override', 'a%E2%80%AEb', notAllowed('\\u202e')],
  ['a zero-width space', 'a%E2%80%8Bb', notAllowed('\\u200b')],
  ['..%2F..%2Fetc', '..%2F..%2Fetc', EDGE_DOT],
  ['..%2F..%2Fetc%2Fpasswd', '..%2F..%2Fetc%2Fpasswd', EDGE_DOT],
  ['a%2F..%2Fb', 'a%2F..%2Fb', DOUBLE_DOT],
  ['a double-encoded %2E%2E', '%252E%252E', notAllowed('%')],
  ['a literal percent sign', 'a%25b', notAllowed('%')],
  ['a #', 'a%23b', notAllowed('#')],
  ['a ?', 'a%3Fb', notAllowed('?')],
  // A backslash and a double quote are shown escaped.
  ['a backslash', 'a%5Cb', notAllowed('\\\\')],
  ['..%5C..%5Cwindows', '..%5C..%5Cwindows', notAllowed('\\\\')],
  ['a colon', 'a:b', notAllowed(':')],
  ['a comma', 'a,b', notAllowed(',')],
  ['a double quote', 'a%22b', notAllowed('\\"')],
  ['a single quote', "a'b", notAllowed("'")],
  ['a dollar sign', 'a$b', notAllowed('$')],
  ['an HTML tag', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', notAllowed('<', '>', '(', ')')],
  ['a key over 1024 characters', 'k'.repeat(1025), tooLong(1025)],
  // nats-server closes a connection whose protocol line passes 4 KiB: this must be refused first.
  ['a key of 5000 characters', 'k'.repeat(5000), tooLong(5000)],
];

const keyIssue = (message: string): Expected => ({
  shape: 'issues',
  issues: [{ path: 'key', message }],
  message: `invalid key: ${message}`,
});

const PARAMETER_TYPES = 'must be one of "", "string", "number", "boolean", "array"';
const NAME_CHARACTERS = 'must contain only letters, digits and _';

/** A JSON body whose pipe breaks the schema; `issues` maps each path to its message. */
const schemaRow = (name: string, body: unknown, issues: Record<string, string>): Row => ({
  name: `schema: ${name}`,
  body: typeof body === 'string' ? body : json(body),
  status: 400,
  shape: 'issues',
  issues: Object.entries(issues).map(([path, message]) => ({ path, message })),
  message: 'invalid pipe',
});

const EMPTY = 'the body is empty; send the pipe as JSON';
const OVER_STREAMED = `body exceeds the limit of ${MIB} bytes`;
/** The value written holds the name too, before the body's members. */
const storedBytes = (bodyBytes: number, key = TARGET) => bodyBytes + Buffer.byteLength(`"name":"${key}",`);
const tooLargeForNats = (valueBytes: number) => `value is ${valueBytes} bytes; NATS accepts at most ${NATS_MAX_PAYLOAD}`;
const CAS_TOO_LARGE = 'the value and its compare-and-set headers exceed what NATS accepts in one message (max_payload)';
const BAD_PERCENT = 'the path is not valid percent-encoding (a % must start %XX escapes of UTF-8 bytes)';
const badIfMatch = (value: string) => `If-Match must be "<revision>" or *, got ${JSON.stringify(value)}`;
const WRITE_NEEDS = 'a write needs If-Match: "<revision>", If-Match: * or If-None-Match: *';
const DELETE_NEEDS = 'a delete needs If-Match: "<revision>" or If-Match: *';

const ROWS: Row[] = [
  // Malformed JSON bodies.
  ...MALFORMED_JSON.map(([name, body]): Row => ({
    name: `malformed JSON: ${name}`,
    body,
    status: 400,
    ...bodyIssue('invalid JSON', `the body is not valid JSON: ${parseError(body)}`),
  })),
  {
    name: 'malformed JSON: invalid UTF-8 bytes in a string',
    body: Buffer.concat([Buffer.from('{"sql":"SELECT \''), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('\'"}')]),
    status: 400,
    ...bodyIssue('invalid UTF-8', 'the body is not valid UTF-8'),
  },
  {
    name: 'malformed JSON: nested 100 000 levels deep in an extra field',
    body: `{"sql":"SELECT 1","extra":${nested(100_000)}}`,
    status: 400,
    ...bodyIssue('nested too deeply', 'the body nests deeper than 128 levels'),
  },
  {
    name: 'malformed JSON: a parameter default nested 10 000 levels deep',
    body: `{"sql":"SELECT {{p}}","parameters":[{"name":"p","default":${nested(10_000)}}]}`,
    status: 400,
    ...bodyIssue('nested too deeply', 'the body nests deeper than 128 levels'),
  },

  // JSON that is not an object.
  ...NON_OBJECTS.map(([name, body, kind]): Row => ({
    name: `not an object: ${name}`,
    body,
    status: 400,
    ...bodyIssue(`body must be a JSON object, got ${kind}`, 'invalid pipe'),
  })),

  // Empty bodies.
  { name: 'empty: no body at all', status: 400, shape: 'error', message: EMPTY },
  { name: 'empty: a zero-length body', body: '', status: 400, shape: 'error', message: EMPTY },
  { name: 'empty: only whitespace', body: ' \n\t\r ', status: 400, shape: 'error', message: EMPTY },
  { name: 'empty: no body and no Content-Type', headers: { 'content-type': undefined }, status: 400, shape: 'error', message: EMPTY },

  // Bodies over 1 MiB. A declared length is refused from the header alone, before any body byte
  // is read (so these rows send none: a server that waited for it would time the row out). A
  // chunked body is counted while it streams; it stops just past the limit and is never finished,
  // so a server that waited for the end would time out too.
  ...[
    ['1 MiB + 1', MIB + 1],
    ['5 MiB', 5 * MIB],
    ['10 GiB', 10 * 1024 * MIB],
  ].map(([what, bytes]): Row => ({
    name: `oversized: Content-Length of ${what}, refused before the body`,
    raw: true,
    headers: { 'content-length': String(bytes) },
    status: 413,
    shape: 'error',
    message: `body is ${bytes} bytes; the limit is ${MIB}`,
  })),
  {
    name: 'oversized: chunked, 1 MiB + 1 bytes and no end',
    body: { chunked: ' '.repeat(MIB + 1) },
    status: 413,
    shape: 'error',
    message: OVER_STREAMED,
  },
  {
    name: 'oversized: chunked, 524 289 two-byte characters (1 MiB + 2 bytes, half as many characters) and no end',
    body: { chunked: `{"sql":"${'é'.repeat(524_289)}` },
    status: 413,
    shape: 'error',
    message: OVER_STREAMED,
  },
  {
    name: 'oversized: chunked, a valid pipe followed by whitespace past 1 MiB, no end',
    body: { chunked: valid() + ' '.repeat(MIB + 1 - valid().length) },
    status: 413,
    shape: 'error',
    message: OVER_STREAMED,
  },

  // A value too large for NATS: the body fits the 1 MiB limit, the value written does not.
  {
    name: 'too large for NATS: a body of exactly 1 MiB, to which the name adds bytes past max_payload',
    body: bodyOfSize(MIB),
    status: 413,
    shape: 'error',
    message: tooLargeForNats(storedBytes(MIB)),
  },
  // NATS counts a compare-and-set's header into the message too: a value just under max_payload
  // fits an unconditional put, but not a create or an update.
  {
    name: 'too large for NATS: If-None-Match: * with a value 10 bytes under max_payload, which the precondition header pushes past it',
    headers: { 'if-match': undefined, 'if-none-match': '*' },
    body: bodyOfSize(NATS_MAX_PAYLOAD - Buffer.byteLength(`"name":"${TARGET}",`) - 10),
    status: 413,
    shape: 'error',
    message: CAS_TOO_LARGE,
  },
  {
    name: 'too large for NATS: If-Match: "<rev>" with a value 10 bytes under max_payload, which the precondition header pushes past it',
    path: `/api/pipes/${EXISTING}`,
    headers: { 'if-match': '"1"' },
    body: bodyOfSize(NATS_MAX_PAYLOAD - Buffer.byteLength(`"name":"${EXISTING}",`) - 10),
    status: 413,
    shape: 'error',
    message: CAS_TOO_LARGE,
  },
  {
    name: 'too large for NATS: 300 000 raw U+2028 (900 KB) that the Go-compatible encoding escapes to 1.8 MB',
    body: `{"sql":"SELECT '${'\u2028'.repeat(300_000)}'"}`,
    status: 413,
    shape: 'error',
    // Each U+2028 is stored as the six characters \u2028.
    message: tooLargeForNats(storedBytes(6 * 300_000 + Buffer.byteLength(`{"sql":"SELECT ''"}`))),
  },

  // Content types other than JSON.
  ...[
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=----x',
    'application/xml',
    'text/json',
    'text/html',
    'application/javascript',
    'application/x-json',
    'application/jsonx',
    'application/octet-stream',
    'json',
  ].map((type): Row => ({
    name: `content type: ${type}`,
    headers: { 'content-type': type },
    body: valid(),
    status: 415,
    shape: 'error',
    message: `Content-Type must be application/json, got "${type}"`,
  })),

  // Keys that are not legal NATS keys: every route that takes a key refuses them before NATS.
  ...BAD_KEYS.map(([name, key, issue]): Row => ({
    name: `key: GET with ${name}`,
    method: 'GET',
    path: pipePath(key),
    status: 400,
    ...keyIssue(issue),
  })),
  ...BAD_KEYS.slice(0, 8).map(([name, key, issue]): Row => ({
    name: `key: PUT with ${name}`,
    path: pipePath(key),
    body: valid(),
    status: 400,
    ...keyIssue(issue),
  })),
  ...BAD_KEYS.slice(13, 18).map(([name, key, issue]): Row => ({
    name: `key: DELETE with ${name}`,
    method: 'DELETE',
    path: pipePath(key),
    status: 400,
    ...keyIssue(issue),
  })),
  ...BAD_KEYS.slice(20, 23).map(([name, key, issue]): Row => ({
    name: `key: history with ${name}`,
    method: 'GET',
    path: pipePath(key, '/history'),
    status: 400,
    ...keyIssue(issue),
  })),
  {
    name: 'key: PUT with a key of 5000 characters (a NATS protocol line past 4 KiB)',
    path: pipePath('k'.repeat(5000)),
    body: valid(),
    status: 400,
    ...keyIssue(tooLong(5000)),
  },
  {
    name: 'key: DELETE with a key of 5000 characters',
    method: 'DELETE',
    path: pipePath('k'.repeat(5000)),
    status: 400,
    ...keyIssue(tooLong(5000)),
  },

  // Traversal: the path normalisation fetch would do is done by hand here (raw socket).
  {
    name: 'traversal: GET /api/pipes/.. is redirected up, never read as a key',
    raw: true,
    method: 'GET',
    path: '/api/pipes/..',
    status: 308,
    shape: 'none',
  },
  {
    name: 'traversal: PUT /api/pipes/%2E%2E is redirected up, never written',
    raw: true,
    path: '/api/pipes/%2E%2E',
    body: valid(),
    status: 308,
    shape: 'none',
  },
  {
    name: 'traversal: DELETE /api/pipes/%2e%2e is redirected up, never deleted',
    raw: true,
    method: 'DELETE',
    path: '/api/pipes/%2e%2e',
    status: 308,
    shape: 'none',
  },
  {
    name: 'traversal: PUT /api/pipes/x/..%2F..%2Fhealth is no route',
    raw: true,
    path: '/api/pipes/x/..%2F..%2Fhealth',
    body: valid(),
    status: 404,
    shape: 'none',
  },
  {
    name: 'traversal: %2e%2e%2fhealth is one segment, an illegal key',
    raw: true,
    method: 'GET',
    path: '/api/pipes/%2e%2e%2fhealth',
    status: 400,
    ...keyIssue(EDGE_DOT),
  },
  {
    name: 'traversal: PUT %2e%2e%2f%2e%2e%2fetc%2fpasswd',
    raw: true,
    path: '/api/pipes/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    body: valid(),
    status: 400,
    ...keyIssue(EDGE_DOT),
  },
  // A path that does not decode is refused by server.mjs before any route runs (Next itself
  // would answer 500). Not a write, never a read.
  {
    name: 'traversal: overlong UTF-8 dots %C0%AE%C0%AE',
    raw: true,
    method: 'GET',
    path: '/api/pipes/%C0%AE%C0%AE',
    status: 400,
    shape: 'error',
    message: BAD_PERCENT,
  },
  {
    name: 'broken percent-encoding: a lone % in the key',
    raw: true,
    method: 'GET',
    path: '/api/pipes/%',
    status: 400,
    shape: 'error',
    message: BAD_PERCENT,
  },
  {
    name: 'broken percent-encoding: %ZZ in a PUT',
    raw: true,
    path: '/api/pipes/a%ZZ',
    body: valid(),
    status: 400,
    shape: 'error',
    message: BAD_PERCENT,
  },
  {
    name: 'broken percent-encoding: %ZZ in a page path',
    raw: true,
    method: 'GET',
    path: '/pipes/a%ZZ',
    status: 400,
    shape: 'error',
    message: BAD_PERCENT,
  },

  // Preconditions.
  ...[['"abc"'], ['"0"'], ['"-1"'], ['W/"x"'], ['""'], ['"1", "2"'], ['"1234567890123456"'], ['1e3'], ['"1.5"'], ['"*"'], ['W/*']].map(
    ([value]): Row => ({
      name: `precondition: If-Match: ${value}`,
      path: pipePath(EXISTING),
      headers: { 'if-match': value },
      body: valid(),
      status: 400,
      shape: 'error',
      message: badIfMatch(value!),
    }),
  ),
  ...[['"3"'], ['W/"3"'], ['"*"'], ['**']].map(([value]): Row => ({
    name: `precondition: If-None-Match: ${value}`,
    path: pipePath(EXISTING),
    headers: { 'if-match': undefined, 'if-none-match': value },
    body: valid(),
    status: 400,
    shape: 'error',
    message: 'If-None-Match accepts only *',
  })),
  {
    name: 'precondition: both If-Match and If-None-Match',
    path: pipePath(EXISTING),
    headers: { 'if-none-match': '*' },
    body: valid(),
    status: 400,
    shape: 'error',
    message: 'send either If-Match or If-None-Match, not both',
  },
  {
    name: 'precondition: none on an existing key',
    path: pipePath(EXISTING),
    headers: { 'if-match': undefined },
    body: valid(),
    status: 428,
    shape: 'error',
    message: WRITE_NEEDS,
  },
  {
    name: 'precondition: none on a new key',
    headers: { 'if-match': undefined },
    body: valid(),
    status: 428,
    shape: 'error',
    message: WRITE_NEEDS,
  },
  {
    name: 'precondition: a stale If-Match: "99999"',
    path: pipePath(EXISTING),
    headers: { 'if-match': '"99999"' },
    body: valid(),
    status: 412,
    shape: 'current',
    current: EXISTING,
  },
  {
    name: 'precondition: If-None-Match: * on an existing key',
    path: pipePath(EXISTING),
    headers: { 'if-match': undefined, 'if-none-match': '*' },
    body: valid(),
    status: 412,
    shape: 'current',
    current: EXISTING,
  },
  {
    name: 'precondition: DELETE without one',
    method: 'DELETE',
    path: pipePath(EXISTING),
    headers: { 'if-match': undefined },
    status: 428,
    shape: 'error',
    message: DELETE_NEEDS,
  },
  {
    name: 'precondition: DELETE with If-None-Match: *',
    method: 'DELETE',
    path: pipePath(EXISTING),
    headers: { 'if-match': undefined, 'if-none-match': '*' },
    status: 400,
    shape: 'error',
    message: 'If-None-Match: * cannot apply to a delete',
  },
  {
    name: 'precondition: DELETE with If-Match: "abc"',
    method: 'DELETE',
    path: pipePath(EXISTING),
    headers: { 'if-match': '"abc"' },
    status: 400,
    shape: 'error',
    message: badIfMatch('"abc"'),
  },
  {
    name: 'precondition: DELETE with a stale If-Match: "99999"',
    method: 'DELETE',
    path: pipePath(EXISTING),
    headers: { 'if-match': '"99999"' },
    status: 412,
    shape: 'current',
    current: EXISTING,
  },
  { name: 'DELETE of a key that does not exist', method: 'DELETE', status: 404, shape: 'error', message: `no pipe "${TARGET}"` },

  // Schema violations of WaveHouse's wire format: the body is JSON, the pipe is not valid.
  schemaRow('sql missing', { description: 'no sql' }, { sql: 'is required' }),
  schemaRow('sql empty', { sql: '' }, { sql: 'must not be blank' }),
  schemaRow('sql blank', { sql: ' \n\t ' }, { sql: 'must not be blank' }),
  schemaRow('sql a number', { sql: 42 }, { sql: 'must be a string' }),
  schemaRow('sql null', { sql: null }, { sql: 'must be a string' }),
  schemaRow('sql an array', { sql: ['SELECT 1'] }, { sql: 'must be a string' }),
  schemaRow('sql an object', { sql: { text: 'SELECT 1' } }, { sql: 'must be a string' }),
  schemaRow('parameters a string', { sql: 'SELECT 1', parameters: 'p' }, { parameters: 'must be an array of parameters' }),
  schemaRow('parameters an object', { sql: 'SELECT 1', parameters: { name: 'p' } }, { parameters: 'must be an array of parameters' }),
  schemaRow(
    'a parameter that is a number',
    { sql: 'SELECT 1', parameters: [1] },
    { 'parameters.0': 'Invalid input: expected object, received number' },
  ),
  schemaRow('a parameter without a name', { sql: 'SELECT 1', parameters: [{ type: 'string' }] }, { 'parameters.0.name': 'is required' }),
  schemaRow(
    'duplicate parameter names',
    { sql: 'SELECT {{p}}', parameters: [{ name: 'p' }, { name: 'p' }] },
    { 'parameters.1.name': 'duplicate parameter name "p"' },
  ),
  schemaRow(
    'an unknown parameter type',
    { sql: 'SELECT {{p}}', parameters: [{ name: 'p', type: 'int' }] },
    { 'parameters.0.type': PARAMETER_TYPES },
  ),
  schemaRow(
    'a parameter type that is a number',
    { sql: 'SELECT {{p}}', parameters: [{ name: 'p', type: 5 }] },
    { 'parameters.0.type': PARAMETER_TYPES },
  ),
  schemaRow(
    'a parameter name with spaces',
    { sql: 'SELECT 1', parameters: [{ name: 'my param' }] },
    { 'parameters.0.name': NAME_CHARACTERS },
  ),
  schemaRow('a parameter name with a dash', { sql: 'SELECT 1', parameters: [{ name: 'a-b' }] }, { 'parameters.0.name': NAME_CHARACTERS }),
  schemaRow('an empty parameter name', { sql: 'SELECT 1', parameters: [{ name: '' }] }, { 'parameters.0.name': NAME_CHARACTERS }),
  schemaRow(
    'a parameter name that is a number',
    { sql: 'SELECT 1', parameters: [{ name: 7 }] },
    { 'parameters.0.name': 'must be a string' },
  ),
  schemaRow(
    'required a string',
    { sql: 'SELECT {{p}}', parameters: [{ name: 'p', required: 'yes' }] },
    { 'parameters.0.required': 'must be true or false' },
  ),
  schemaRow(
    'required a number',
    { sql: 'SELECT {{p}}', parameters: [{ name: 'p', required: 1 }] },
    { 'parameters.0.required': 'must be true or false' },
  ),
  schemaRow('allowed_roles a string', { sql: 'SELECT 1', allowed_roles: 'admin' }, { allowed_roles: 'must be an array of strings' }),
  schemaRow(
    'allowed_roles an object',
    { sql: 'SELECT 1', allowed_roles: { admin: true } },
    { allowed_roles: 'must be an array of strings' },
  ),
  schemaRow('allowed_roles holding a number', { sql: 'SELECT 1', allowed_roles: ['admin', 1] }, { 'allowed_roles.1': 'must be a string' }),
  schemaRow('allowed_roles holding null', { sql: 'SELECT 1', allowed_roles: [null] }, { 'allowed_roles.0': 'must be a string' }),
  schemaRow('description a number', { sql: 'SELECT 1', description: 5 }, { description: 'must be a string' }),
  schemaRow('description an array', { sql: 'SELECT 1', description: ['d'] }, { description: 'must be a string' }),
  schemaRow('description a boolean', { sql: 'SELECT 1', description: true }, { description: 'must be a string' }),
  schemaRow(
    'several problems at once, all reported',
    { sql: '', description: 5, parameters: [{ name: 'a b' }] },
    { sql: 'must not be blank', description: 'must be a string', 'parameters.0.name': NAME_CHARACTERS },
  ),
  // Giant headers: Node refuses them before Next (431).
  {
    name: 'headers: one header of 64 KiB',
    method: 'GET',
    path: '/api/pipes',
    headers: { 'x-padding': 'a'.repeat(64 * 1024) },
    status: 431,
    shape: 'none',
  },
  {
    name: 'headers: 200 headers of 100 bytes each',
    method: 'GET',
    path: '/api/pipes',
    headers: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'b'.repeat(100)])),
    status: 431,
    shape: 'none',
  },
  { name: 'headers: a URL of 20 000 characters', method: 'GET', path: pipePath('a'.repeat(20_000)), status: 431, shape: 'none' },
  {
    name: 'headers: an Authorization of 64 KiB',
    method: 'GET',
    path: '/api/pipes',
    headers: { authorization: `Bearer ${'t'.repeat(64 * 1024)}` },
    status: 431,
    shape: 'none',
  },

  // Methods a route does not have.
  ...(
    [
      ['POST', pipePath(TARGET)],
      ['PATCH', pipePath(TARGET)],
      ['POST', '/api/pipes'],
      ['PUT', '/api/pipes'],
      ['DELETE', '/api/pipes'],
      ['PATCH', '/api/pipes'],
      ['POST', pipePath(EXISTING, '/history')],
      ['PUT', pipePath(EXISTING, '/history')],
      ['DELETE', pipePath(EXISTING, '/history')],
      ['POST', '/api/health'],
      ['PUT', '/api/events'],
      ['PUT', '/api/session'],
    ] as const
  ).map(([method, path]): Row => ({
    name: `method: ${method} ${path}`,
    method,
    path,
    body: method === 'DELETE' ? undefined : valid(),
    status: 405,
    shape: 'none',
  })),

  // Routes that do not exist.
  ...[
    '/api/nope',
    '/api/pipe',
    '/api/Pipes',
    `/api/pipes/${EXISTING}/historyy`,
    `/api/pipes/${EXISTING}/history/extra`,
    '/api/pipes/a/b/c',
    '/api/.env',
  ].map((path): Row => ({ name: `unknown route: GET ${path}`, method: 'GET', path, status: 404, shape: 'none' })),
];

// ---------------------------------------------------------------------------------------------

function expectMessage(actual: unknown, expected: Message): void {
  if (typeof expected === 'string') expect(actual).toBe(expected);
  else expect(actual).toMatch(expected);
}

const byPath = (issues: Issue[]) => [...issues].sort((a, b) => a.path.localeCompare(b.path));

function checkShape(row: Row, answer: Answer): void {
  if (row.shape === 'none') return;
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as { error?: unknown; issues?: Issue[]; current?: { key?: string; revision?: number } | null };
  switch (row.shape) {
    case 'error':
      expectMessage(body.error, row.message);
      expect(body.issues ?? []).toEqual([]);
      break;
    case 'issues':
      expectMessage(body.error, row.message);
      expect(byPath(body.issues ?? [])).toEqual(byPath(row.issues));
      break;
    case 'current':
      expect(body.error).toBe(`"${row.current}" is at revision ${existingRevision}`);
      expect(body.current?.key).toBe(row.current);
      expect(body.current?.revision).toBe(existingRevision);
      break;
  }
}

describe(`the bad-input table: ${ROWS.length} bad requests, each refused with its status and nothing written`, () => {
  test.each(ROWS.map((row) => [`${row.name} → ${Array.isArray(row.status) ? row.status.join(' or ') : row.status}`, row] as const))(
    '%s',
    async (_name, row) => {
      const before = await lastRevision(raw.kv);
      const answer = await send(row);
      const allowed = Array.isArray(row.status) ? row.status : [row.status];
      expect(allowed, `got ${answer.status}: ${answer.body.slice(0, 300)}`).toContain(answer.status);
      checkShape(row, answer);
      if (answer.status === 308) expect(answer.headers.location).toBe('/api');
      // Refused means refused: the bucket did not move.
      expect(await lastRevision(raw.kv)).toBe(before);
    },
  );
});

describe('positive controls: what looks odd but is legal is served', () => {
  test('a key holding "/" that another writer created, sent as %2F, is written, read, listed and has history under its real name', async () => {
    const key = 'team/reports.daily';
    await createdByAnotherWriter(key);
    const put = await send({ path: pipePath(encodeURIComponent(key)), body: valid() });
    expect(put.status, put.body).toBe(200);
    const revision = Number(JSON.parse(put.body).revision);
    expect((await raw.kv.get(key))?.revision).toBe(revision);

    const get = await send({ method: 'GET', path: pipePath('team%2Freports.daily') });
    expect(get.status).toBe(200);
    expect(get.headers.etag).toBe(`"${revision}"`);
    expect(JSON.parse(get.body)).toMatchObject({ key, revision, value: { name: key } });
    const history = await send({ method: 'GET', path: pipePath('team%2Freports.daily', '/history') });
    expect(history.status).toBe(200);
    expect(JSON.parse(history.body).history[0]).toMatchObject({ key, revision });
    // Unencoded, the slash is a path separator: another route, not this key.
    expect((await send({ method: 'GET', path: '/api/pipes/team/reports.daily' })).status).toBe(404);
  });

  test('every legal punctuation (= - _ .) in one key, and a key of exactly 1024 characters, another writer created, are accepted', async () => {
    for (const key of ['a=b-c_d.e', 'k'.repeat(1024)]) {
      await createdByAnotherWriter(key);
      const put = await send({ path: pipePath(encodeURIComponent(key)), body: valid() });
      expect(put.status, put.body.slice(0, 300)).toBe(200);
      expect((await raw.kv.get(key))?.revision).toBe(Number(JSON.parse(put.body).revision));
    }
  });

  /** Such keys are not names the console creates: another writer puts them first, and the console then knows them. */
  async function createdByAnotherWriter(key: string): Promise<void> {
    await raw.kv.put(key, JSON.stringify({ name: key, sql: 'SELECT 0' }));
    await waitFor(async () => (await send({ method: 'GET', path: pipePath(encodeURIComponent(key)) })).status === 200, {
      what: `the cache to have ${key}`,
    });
  }

  test('a body just under the limits is accepted: 1 MiB minus room for the name, nested 100 levels', async () => {
    const nameBytes = Buffer.byteLength(`"name":"${EXISTING}",`);
    const put = await send({ path: pipePath(EXISTING), body: bodyOfSize(NATS_MAX_PAYLOAD - nameBytes - 64) });
    expect(put.status, put.body.slice(0, 300)).toBe(200);
    const deep = await send({ path: pipePath(EXISTING), body: `{"sql":"SELECT 1","extra":${nested(100)}}` });
    expect(deep.status, deep.body.slice(0, 300)).toBe(200);
    // Back to a small value for the rows that compare `current`.
    const small = await send({ path: pipePath(EXISTING), body: '{"sql":"SELECT 1"}' });
    expect(small.status).toBe(200);
    existingRevision = Number(JSON.parse(small.body).revision);
  });
});

describe('bad input from another writer', () => {
  test('a value nested 100 000 levels deep, put straight into KV, is served as invalid and the list keeps answering', async () => {
    const key = 'external_deep';
    const text = `{"name":"${key}","sql":"SELECT 1","extra":${nested(100_000)}}`;
    const revision = await raw.kv.put(key, text);
    const entry = await waitFor(
      async () => {
        const res = await send({ method: 'GET', path: pipePath(key) });
        return res.status === 200
          ? (JSON.parse(res.body) as { revision: number; value: unknown; raw?: string; invalid?: { message: string } })
          : undefined;
      },
      { what: `${key} to be served` },
    );
    expect(entry).toMatchObject({ revision, value: null, raw: text, invalid: { message: expect.stringMatching(/nests deeper than/) } });
    const list = await send({ method: 'GET', path: '/api/pipes' });
    expect(list.status).toBe(200);
    expect((JSON.parse(list.body) as { pipes: { key: string }[] }).pipes.map((p) => p.key)).toContain(key);
  });
});

describe('after the table', () => {
  test('the bucket holds exactly the keys written on purpose, and the console is healthy', async () => {
    const keys: string[] = [];
    for await (const key of await raw.kv.keys()) keys.push(key);
    expect(keys.sort()).toEqual([...DELIBERATE].sort());
    expect(await raw.kv.get(TARGET)).toBeNull();

    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', nats: 'connected', pipes: DELIBERATE.size });
    // The console kept one NATS connection throughout: no request above made the server drop it.
    expect(app.output()).not.toMatch(/NATS reconnecting/);
    expect(app.output()).not.toMatch(/unexpected error in an API route/);
  });
});
