// The floor of the files CLI's export and diff: a fresh node process doing the least any such
// command must — one GET /api/pipes, and the file(s) written or read — with none of the CLI's
// checks, atomic writes, sidecar or report. Run the way the CLI is run (same preload, same
// timing from spawn to exit), so the two figures differ only by what the CLI does on top.
// Usage: node floor-process.mjs export-json|export-sql|diff <console-url> <dir>
//   env BENCH_FILES_TOKEN: the bearer token. Prints one JSON line: { pipes, bytes, differing? }.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, url, dir] = process.argv.slice(2);
const res = await fetch(`${url}/api/pipes`, { headers: { authorization: `Bearer ${process.env.BENCH_FILES_TOKEN}` } });
if (res.status !== 200) throw new Error(`GET /api/pipes answered ${res.status}`);
const { pipes: entries } = /** @type {{ pipes: { key: string, value?: Record<string, any>, invalid?: unknown }[] }} */ (await res.json());
const valid = entries.filter((e) => e.value && !e.invalid);

/** The five fields WaveHouse knows, in its order (the listing's values are already in wire form). @param {{ key: string, value?: Record<string, any> }} e */
const filePipe = ({ key, value = {} }) => ({
  name: key,
  sql: value.sql,
  parameters: value.parameters?.map((/** @type {Record<string, unknown>} */ p) => ({
    name: p.name,
    type: p.type,
    required: p.required,
    default: p.default,
  })),
  description: value.description,
  allowed_roles: value.allowed_roles,
});

let bytes = 0;
if (mode === 'export-json') {
  const text = `${JSON.stringify({ pipes: valid.map(filePipe) }, null, 2)}\n`;
  writeFileSync(join(dir, 'pipes.json'), text);
  bytes = Buffer.byteLength(text);
  console.log(JSON.stringify({ pipes: valid.length, bytes }));
} else if (mode === 'export-sql') {
  for (const e of valid) {
    const sql = String(e.value?.sql);
    writeFileSync(join(dir, `${e.key}.sql`), sql);
    bytes += Buffer.byteLength(sql);
  }
  console.log(JSON.stringify({ pipes: valid.length, bytes }));
} else if (mode === 'diff') {
  const text = readFileSync(join(dir, 'pipes.json'), 'utf8');
  const files = new Map(JSON.parse(text).pipes.map((/** @type {{ name: string }} */ p) => [p.name, JSON.stringify(p)]));
  let differing = 0;
  for (const e of valid) if (files.get(e.key) !== JSON.stringify(filePipe(e))) differing++;
  console.log(JSON.stringify({ pipes: valid.length, bytes: Buffer.byteLength(text), differing }));
  process.exitCode = differing ? 1 : 0;
} else {
  throw new Error(`unknown mode "${mode}"`);
}
