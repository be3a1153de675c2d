// Realistic WaveHouse pipe values for load tests: the wire format of lib/pipes/schema.ts (Go
// field order, compact), SQL whose every placeholder is declared (so no lint warnings are
// attached), sizes spread evenly over 300–600 bytes. Deterministic for a given seed.

const DOMAINS = ['events', 'devices', 'signals', 'sessions', 'orders', 'payments', 'features', 'alerts', 'metrics', 'firmware'];
const VIEWS = ['by_hour', 'by_day', 'top', 'window', 'latest', 'by_region', 'errors', 'funnel', 'p95', 'by_model'];
const COLUMNS = ['event', 'device', 'region', 'model', 'status', 'rssi', 'battery', 'user_id', 'amount', 'firmware'];
const ROLES = ['analyst', 'support', 'ops', 'finance', 'admin'];
const WORDS =
  'rolling aggregate of raw samples per device and region used by the ops dashboard and the weekly report with late data folded in after the ingest lag settles'.split(
    ' ',
  );

/**
 * mulberry32: a tiny seeded PRNG, so every run of the benchmark loads the same bucket.
 * @param {number} seed
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Query shapes WaveHouse users write, from a lookup to a filtered, grouped window.
 * @param {string} domain
 * @param {string} col
 * @param {string} other
 */
function shapes(domain, col, other) {
  const from = { name: 'from', type: 'string', required: true };
  const to = { name: 'to', type: 'string', required: true };
  const limit = { name: 'limit', type: 'number', default: 100 };
  return [
    { sql: `SELECT * FROM ${domain} WHERE id = {{id}}`, parameters: [{ name: 'id', type: 'string', required: true }] },
    {
      sql: `SELECT ${col}, count() AS n FROM ${domain} WHERE ts > now() - INTERVAL {{hours:24}} HOUR GROUP BY ${col} ORDER BY n DESC LIMIT {{limit}}`,
      parameters: [limit],
    },
    {
      sql: `SELECT ts, ${col}, ${other} FROM ${domain} WHERE ts BETWEEN {{from}} AND {{to}} ORDER BY ts LIMIT {{limit}}`,
      parameters: [from, to, limit],
    },
    {
      sql:
        `SELECT toStartOfHour(ts) AS t, ${col}, ${other}, count() AS n FROM ${domain} ` +
        `WHERE ts BETWEEN {{from}} AND {{to}} AND ${col} IN {{${col}_list}} ` +
        `GROUP BY t, ${col}, ${other} ORDER BY n DESC LIMIT {{limit}}`,
      parameters: [from, to, { name: `${col}_list`, type: 'array', required: true }, limit],
    },
  ];
}

/**
 * @param {number} count
 * @param {number} [seed]
 * @returns {{ key: string, value: string }[]}
 */
export function makePipes(count, seed = 42) {
  const rnd = prng(seed);
  /** @template T  @param {T[]} list */
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const pipes = [];
  for (let i = 0; i < count; i++) {
    const domain = pick(DOMAINS);
    const key = `${domain}_${pick(VIEWS)}_${String(i).padStart(5, '0')}`;
    const col = pick(COLUMNS);
    const other = pick(COLUMNS.filter((c) => c !== col));
    const roles = rnd() < 0.4 ? [...new Set([pick(ROLES), pick(ROLES)])] : undefined;
    // Size drawn evenly from 300–600 bytes; the richest query shape that fits, the rest description.
    const target = 300 + Math.floor(rnd() * 301);
    const candidates = shapes(domain, col, other)
      .map((shape) => ({ name: key, ...shape, description: '', ...(roles ? { allowed_roles: roles } : {}) }))
      .filter((pipe) => Buffer.byteLength(JSON.stringify(pipe)) + 24 <= target);
    const pipe = candidates.length ? pick(candidates) : { name: key, sql: `SELECT * FROM ${domain}`, description: '' };
    const room = target - Buffer.byteLength(JSON.stringify(pipe));
    let description = `${col} by ${other} from ${domain}:`;
    while (description.length < room) description += ` ${pick(WORDS)}`;
    pipe.description = description.slice(0, room).trimEnd();
    pipes.push({ key, value: JSON.stringify(pipe) });
  }
  return pipes;
}

/**
 * Puts every pipe, `parallel` at a time.
 * @param {import('@nats-io/kv').KV} kv
 * @param {{ key: string, value: string }[]} pipes
 */
export async function putAll(kv, pipes, parallel = 500) {
  for (let i = 0; i < pipes.length; i += parallel) {
    await Promise.all(pipes.slice(i, i + parallel).map((p) => kv.put(p.key, p.value)));
  }
}
