// What the files benchmark runs on: realistic pipes (multi-line SQL of a few hundred bytes with
// every placeholder declared, a description, allowed_roles on most, a field the files cannot
// hold on some), the bucket seeded straight into KV, the edits a person makes to every pipe of
// an exported folder, and the folders themselves (temp dirs, removed by the run's cleanup).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { onCleanup } from '../lib/cleanup.mjs';
import { prng, putAll } from '../lib/pipes.mjs';
import { filePipeOf, PIPES_FILE, serializePipesFile, serializeSidecar, SIDECAR_FILE } from '../../../lib/files/pipes-json.mjs';
import { DEFAULT_BUCKET } from '../../../lib/defaults.mjs';

export const BUCKET = DEFAULT_BUCKET;
export const HISTORY = 3;
/** Empty buckets for the 10,000-create import and its API floor, each with a console of its own. */
export const CREATE_BUCKET = 'BENCH_FILES_CREATE';
export const CREATE_FLOOR_BUCKET = 'BENCH_FILES_CREATE_FLOOR';
/** The raw KV floor of the creates: no console on it. */
export const CREATE_RAW_BUCKET = 'BENCH_FILES_CREATE_RAW';

const DOMAINS = ['events', 'devices', 'signals', 'sessions', 'orders', 'payments', 'features', 'alerts', 'metrics', 'firmware'];
const VIEWS = ['by_hour', 'by_day', 'top', 'window', 'latest', 'by_region', 'errors', 'funnel', 'p95', 'by_model'];
const COLUMNS = ['event', 'device_id', 'region', 'model', 'status', 'rssi', 'battery', 'user_id', 'amount', 'firmware'];
const METRICS = ['rssi', 'battery', 'amount', 'latency_ms', 'temperature', 'duration_ms'];
// Not `admin`: listing the admin role is a warning (it may read every pipe anyway).
const ROLES = ['analyst', 'support', 'ops', 'finance', 'oncall', 'partner'];
const WORDS =
  'rolling aggregate of raw samples per device and region used by the ops dashboard and the weekly report with late data folded in after the ingest lag settles'.split(
    ' ',
  );

/** @typedef {import('../../../lib/files/types.d.mts').FilePipe} FilePipe */
/** @typedef {{ key: string, value: Record<string, unknown> }} SeedPipe the value as the bucket holds it (Go field order) */

/**
 * `count` pipes as WaveHouse users write them; deterministic for a given seed. SQL: a grouped,
 * filtered query over 5–7 lines with 2–4 declared parameters (a time window, a list filter, a
 * threshold, a limit), 250–550 bytes; a description of 60–200 characters; allowed_roles on
 * about 70 %; `resolved_tables` (a field only the bucket holds) on about 30 %.
 * @param {number} count
 * @returns {SeedPipe[]}
 */
export function makeFilePipes(count, seed = 7) {
  const rnd = prng(seed);
  /** @template T  @param {T[]} list */
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  /** @param {number} lo  @param {number} hi */
  const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pipes = [];
  for (let i = 0; i < count; i++) {
    const domain = pick(DOMAINS);
    const key = `${domain}_${pick(VIEWS)}_${String(i).padStart(5, '0')}`;
    const col = pick(COLUMNS);
    const other = pick(COLUMNS.filter((c) => c !== col));
    const metric = pick(METRICS);
    const select = [`toStartOfInterval(ts, INTERVAL 1 HOUR) AS hour`, col, other, 'count() AS n', `avg(${metric}) AS ${metric}_avg`];
    for (let extra = between(0, 3); extra > 0; extra--)
      select.push(pick([`max(${metric})`, `quantile(0.95)(${metric})`, `uniq(${other})`]));
    /** @type {{ name: string, type: string, required?: true, default?: string | number }[]} */
    const parameters = [
      { name: 'from', type: 'string', required: true },
      { name: 'to', type: 'string', required: true },
    ];
    const where = ['ts BETWEEN {{from}} AND {{to}}'];
    if (rnd() < 0.6) {
      parameters.push({ name: `${col}_list`, type: 'array' });
      where.push(`(empty({{${col}_list}}) OR ${col} IN {{${col}_list}})`);
    }
    if (rnd() < 0.5) {
      parameters.push({ name: 'min_n', type: 'number', default: between(1, 50) });
    }
    parameters.push({ name: 'limit', type: 'number', default: pick([50, 100, 500, 1000]) });
    const having = parameters.some((p) => p.name === 'min_n') ? '\nHAVING n >= {{min_n}}' : '';
    const sql =
      `SELECT\n  ${[...new Set(select)].join(',\n  ')}\nFROM ${domain}\nWHERE ${where.join('\n  AND ')}\n` +
      `GROUP BY hour, ${col}, ${other}${having}\nORDER BY n DESC\nLIMIT {{limit}}`;
    let description = `${col} by ${other} per hour from ${domain}:`;
    const length = between(60, 200);
    while (description.length < length) description += ` ${pick(WORDS)}`;
    /** @type {Record<string, unknown>} */
    const value = { name: key, sql, parameters, description: description.slice(0, length).trimEnd() };
    if (rnd() < 0.7) value.allowed_roles = [...new Set(Array.from({ length: between(1, 3) }, () => pick(ROLES)))];
    if (rnd() < 0.3) value.resolved_tables = [domain];
    pipes.push({ key, value });
  }
  return pipes;
}

/**
 * A person's edit of every pipe: a reviewed-by comment line at the end of the SQL and a new
 * description tail. `tag` makes each round's edit differ from the last.
 * @param {SeedPipe} pipe
 * @param {string} tag
 * @returns {SeedPipe}
 */
export function edited({ key, value }, tag) {
  const base = String(value.description).replace(/ \(reviewed .*\)$/, '');
  return {
    key,
    value: {
      ...value,
      sql: `${String(value.sql).replace(/\n-- reviewed .*$/, '')}\n-- reviewed ${tag}`,
      description: `${base} (reviewed ${tag})`,
    },
  };
}

/**
 * The bucket with `count` generated pipes, written straight to KV.
 * @param {import('@nats-io/transport-node').NatsConnection} writer
 * @param {number} count
 */
export async function seedBucket(writer, count) {
  const kv = await new Kvm(writer).create(BUCKET, { history: HISTORY });
  const pipes = makeFilePipes(count);
  const started = performance.now();
  await putAll(
    kv,
    pipes.map(({ key, value }) => ({ key, value: JSON.stringify(value) })),
  );
  const seedMs = performance.now() - started;
  const status = await kv.status();
  if (status.values !== count) throw new Error(`the bucket holds ${status.values} values, expected ${count}`);
  /** @param {(p: SeedPipe) => number} size */
  const mean = (size) => pipes.reduce((sum, p) => sum + size(p), 0) / count;
  const sizes = {
    valueBytes: mean((p) => Buffer.byteLength(JSON.stringify(p.value))),
    sqlBytes: mean((p) => Buffer.byteLength(String(p.value.sql))),
    parameters: mean((p) => /** @type {unknown[]} */ (p.value.parameters).length),
    withRoles: pipes.filter((p) => p.value.allowed_roles).length / count,
    withUnknownField: pipes.filter((p) => p.value.resolved_tables).length / count,
  };
  return { kv, pipes, seedMs, sizes };
}

/** A temp folder for one command's files, removed by the run's cleanup (or by `remove()`). */
export function tempFolder(/** @type {string} */ label) {
  const dir = mkdtempSync(join(tmpdir(), `pipes-bench-files-${label}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onCleanup(remove);
  return {
    dir,
    remove() {
      remove();
      unregister();
    },
  };
}

/**
 * Writes `dir` as an export of `pipes` would leave it: pipes.json (the lib/files serializer, so
 * the bytes are the CLI's own) and, unless `revisions` is null, the sidecar with those revisions.
 * @param {string} dir
 * @param {SeedPipe[]} pipes
 * @param {Record<string, number> | null} revisions
 */
export function writeFolder(dir, pipes, revisions) {
  const text = serializePipesFile(pipes.map(({ key, value }) => filePipeOf(key, value)));
  writeFileSync(join(dir, PIPES_FILE), text);
  if (revisions) writeFileSync(join(dir, SIDECAR_FILE), serializeSidecar(revisions));
  return Buffer.byteLength(text);
}
