// `npm run pipes -- <command>`: the console's files CLI. Exports the bucket's pipes to a folder
// (pipes.json or one .sql file per pipe), compares a folder with the bucket, and imports a folder
// by compare-and-set writes. It talks to a running console over its HTTP API only, like any
// other client: the console keeps the watched cache, the preconditions and the change archive.
// The work is in lib/files (pure, unit-tested); this file wires fetch and the terminal around it.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ScriptError, messageOf } from './lib/cli.mjs';
import { DEFAULT_HOST, DEFAULT_PORT } from '../lib/defaults.mjs';
import { applyActions, progressReporter, WRITES_IN_FLIGHT } from '../lib/files/apply.mjs';
import { exportTargetProblem, readFilesFolder, writeExport, writeSidecar } from '../lib/files/folder.mjs';
import { exportedPipes } from '../lib/files/export.mjs';
import { formatFinding, PIPES_FILE, SIDECAR_FILE } from '../lib/files/pipes-json.mjs';
import { nextSidecar, planImport, preconditionOf } from '../lib/files/plan.mjs';
import { describePrecondition, diffJson, planJson, renderDiff, renderPlan } from '../lib/files/report.mjs';

/** @typedef {import('../lib/files/types.d.mts').Finding} Finding */
/** @typedef {import('../lib/files/types.d.mts').FilesFormat} FilesFormat */
/** @typedef {import('../lib/files/types.d.mts').Listing} Listing */
/** @typedef {import('../lib/files/plan.d.mts').Action} Action */
/** @typedef {import('../lib/files/apply.d.mts').WriteOutcome} WriteOutcome */

const EXIT_OK = 0;
/** `diff`: the folder and the bucket differ; `import`: a conflict stopped it. */
const EXIT_DIFFERENT = 1;
const EXIT_ERROR = 2;

const DEFAULT_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
const FORMATS = /** @type {const} */ (['pipes-json', 'sql']);
const MAX_NOTE_CHARS = 500; // what the console keeps of a change note
const REQUEST_TIMEOUT_MS = 60_000;

const ENVIRONMENT = `Environment:
  PIPES_URL    the console, default ${DEFAULT_URL}
  PIPES_TOKEN  a bearer token (PIPES_ADMIN_TOKEN's value, say); import needs the admin role`;

const HELP = {
  main: `Usage: npm run pipes -- <command> [options]

Keeps a folder of pipes in step with the console's bucket, over the console's HTTP API.

Commands:
  export DIR [--format pipes-json|sql]   write every valid pipe of the bucket to DIR
  diff DIR [--format pipes-json|sql]     compare DIR with the bucket
  import DIR [--dry-run] [--prune] [--note TEXT] [--format pipes-json|sql]
                                         write DIR's pipes to the bucket by compare-and-set

Every command takes --json (machine-readable output on stdout) and --help.
Exit codes: 0 done (diff: no differences), 1 diff: differences / import: conflict, 2 error.

${ENVIRONMENT}`,
  export: `Usage: npm run pipes -- export DIR [--format pipes-json|sql] [--json]

Writes every valid pipe of the bucket (GET /api/pipes) to DIR, creating it if needed.
Invalid entries are skipped and named on stderr.

  --format pipes-json  (default) DIR/${PIPES_FILE}: {"pipes": [...]} with only the fields WaveHouse
                       knows (name, sql, parameters, description, allowed_roles; a parameter's
                       name, type, required, default), sorted by name, 2-space JSON and a final
                       newline: the same bucket always exports to the same bytes. Fields other
                       writers added stay in the bucket, and an import keeps them.
  --format sql         DIR/<name>.sql holding the SQL only, for every pipe whose name is letters,
                       digits, "_" and "-" (others are skipped and named on stderr). A .sql file
                       an earlier export wrote for a pipe the bucket no longer holds is removed.
  --json               print {"command": "export", "ok": true, ...} on stdout

Both also write DIR/${SIDECAR_FILE}: {"revisions": {"<name>": <revision>}}, the revision each
pipe was exported at (pipes.json cannot hold it: WaveHouse's decoder refuses unknown fields).
Import uses it to refuse overwriting changes made after the export. Files are written to a
temporary file in DIR and renamed, so no reader sees half a file; unchanged files are not
rewritten. An export into a folder that holds the other format is refused.

Exit code 0 when exported, 2 on error.

${ENVIRONMENT}`,
  diff: `Usage: npm run pipes -- diff DIR [--format pipes-json|sql] [--json]

Compares DIR (${PIPES_FILE}, or the top-level .sql files) with the bucket and lists the pipes
only in the files, only in the bucket, and different, with a unified diff of the SQL and the
changed fields. DIR is read as strictly as by import (see import --help); a folder holding
both ${PIPES_FILE} and .sql files needs --format. Invalid entries in the bucket, and in a .sql
folder pipes whose names cannot be file names, are left out (named on stderr).

  --format F   read DIR as pipes-json or sql (default: whichever DIR holds)
  --json       print {"command": "diff", "same": …, "only_in_files": […], …} on stdout

Exit code 0 when they are the same, 1 when they differ, 2 on error.

${ENVIRONMENT}`,
  import: `Usage: npm run pipes -- import DIR [--dry-run] [--prune] [--note TEXT] [--format F] [--json]

Makes the bucket hold what DIR holds, by compare-and-set writes through the console:
  create   a pipe only in the files: PUT with If-None-Match: *
  update   a pipe that differs: PUT with If-Match: "<rev>", where rev is the revision in
           DIR/${SIDECAR_FILE} (the export's) when it lists the pipe, else the one read now
  delete   with --prune, a pipe only in the bucket: DELETE with If-Match: "<rev>" (same rule)
Unchanged pipes are never written. Creates go first, then updates, then deletes, up to
${WRITES_IN_FLIGHT} writes at a time.
A pipe from ${PIPES_FILE} replaces the five known fields and keeps every other field the pipe
has in the bucket; a .sql file replaces only the SQL and keeps all the rest.

Conflicts: a pipe the bucket changed (or deleted) after the export, where the files differ from
it, stops the import before anything is written, naming each such pipe; a write the console
answers with 412 (someone wrote in between) stops it there, naming the pipe: nothing more is
sent, and what was written (before it, or already on its way) stays. To write over a change
anyway, remove the pipe from ${SIDECAR_FILE}. After an import, ${SIDECAR_FILE} holds the
revisions the import left the pipes at.

  --dry-run    print the plan (create / update / delete / unchanged, each with its precondition
               and diff) and write nothing; exit 1 when it has a conflict
  --prune      also delete what the files lack (never invalid entries, nor in a .sql folder pipes
               whose names cannot be file names)
  --note TEXT  the change note of every write (X-Change-Note; at most ${MAX_NOTE_CHARS} characters)
  --format F   read DIR as pipes-json or sql (default: whichever DIR holds)
  --json       print {"command": "import", "outcome": …, "actions": […], …} on stdout

Strict reading (nothing is written when any check fails; each problem is named with its file,
pipe and reason):
  ${PIPES_FILE}  UTF-8 without a byte-order mark; one JSON value, nothing after it; not empty;
              no key twice in any object; the top level {"pipes": [...]} and nothing else; a
              pipe only name, sql, parameters, description, allowed_roles; a parameter only
              name, type, required, default; unique pipe names that are legal NATS keys, and
              letters, digits, "_" and "-" (1-128) for a pipe to be created; non-blank sql;
              non-empty, unique parameter names of letters, digits and "_"; type one of "",
              "string", "number", "boolean", "array"; no empty allowed_roles entry.
  roles.json  optional, beside ${PIPES_FILE}: a JSON array of role names, e.g.
              ["admin", "analyst", "support"]; when present, every allowed_roles entry must
              be one of them.
  *.sql       each top-level .sql file is the pipe named after it, its content the SQL exactly:
              names letters, digits, "_" and "-" (1-128); UTF-8 without a byte-order mark; not
              blank; plain files (not links). Other files and sub-folders are ignored.

Exit code 0 when applied (or a dry run without conflicts), 1 on a conflict, 2 on error.

${ENVIRONMENT}`,
};

/** A failure that ends the command with exit code 2; `findings` are the file problems behind it. */
class CliError extends ScriptError {
  /**
   * @param {string} message
   * @param {{ findings?: Finding[], details?: Record<string, unknown>, cause?: unknown }} [options] `details`: more for --json
   */
  constructor(message, { findings = [], details = {}, cause } = {}) {
    super(message, { cause });
    this.findings = findings;
    this.details = details;
  }
}

class UsageError extends CliError {}

/** What a command prints, and how: text for people, or one JSON document on stdout. */
class Output {
  /** @param {boolean} json */
  constructor(json) {
    this.json = json;
  }
  /** Text for people on stdout (not with --json). @param {string} text */
  text(text) {
    if (!this.json) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  /** A remark on stderr, with or without --json. @param {string} line */
  note(line) {
    process.stderr.write(`${line}\n`);
  }
  /** The --json document. @param {Record<string, unknown>} doc */
  document(doc) {
    if (this.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }
}

/**
 * The console's HTTP API, as this CLI uses it.
 * @param {{ url: string, token: string | undefined }} config
 */
function consoleApi({ url, token }) {
  const base = url.replace(/\/+$/, '');
  /** @param {string} key */
  const pipePath = (key) => `/api/pipes/${encodeURIComponent(key)}`;

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ headers?: Record<string, string>, body?: string }} [init]
   */
  async function request(method, path, { headers = {}, body } = {}) {
    try {
      return await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = /** @type {{ cause?: { code?: string, message?: string } }} */ (err).cause;
      const why = cause?.code ?? cause?.message ?? messageOf(err);
      throw new CliError(`cannot reach the console at ${base} (${method} ${path}: ${why}); is it running, and is PIPES_URL right?`, {
        cause: err,
      });
    }
  }

  /** The reason an answer gives, as one line. @param {string} what  @param {Response} res */
  async function failure(what, res) {
    const text = await res.text();
    /** @type {{ error?: string, issues?: { path: string, message: string }[] }} */
    let body = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: text.slice(0, 200) };
    }
    const issues = body.issues?.length ? `: ${body.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}` : '';
    const hint =
      res.status === 401
        ? ' (set PIPES_TOKEN to a token of the console)'
        : res.status === 403
          ? ' (writing needs a token with the admin role)'
          : '';
    return new CliError(`${what}: the console answered ${res.status}${body.error ? ` ${body.error}` : ''}${issues}${hint}`);
  }

  return {
    url: base,
    /** @returns {Promise<Listing>} */
    async listing() {
      const res = await request('GET', '/api/pipes');
      if (res.status !== 200) throw await failure('GET /api/pipes', res);
      const body = /** @type {Listing} */ (await res.json());
      if (typeof body?.revision !== 'number' || !Array.isArray(body.pipes)) {
        throw new CliError(`GET /api/pipes: ${base} did not answer as a Pipes Console does ({ revision, pipes })`);
      }
      return body;
    },
    /**
     * @param {Action} action
     * @param {string | undefined} note
     * @returns {Promise<WriteOutcome>}
     */
    async write(action, note) {
      const headers = {
        ...preconditionOf(action),
        ...(note === undefined ? {} : { 'x-change-note': encodeURIComponent(note) }),
        // The answer is one entry: compressing it costs the console and the CLI more than it saves.
        'accept-encoding': 'identity',
      };
      const path = pipePath(action.name);
      const method = action.op === 'delete' ? 'DELETE' : 'PUT';
      const res =
        method === 'PUT'
          ? await request(method, path, { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(action.body) })
          : await request(method, path, { headers });
      if (res.status === 200) return { kind: 'written', revision: /** @type {{ revision: number }} */ (await res.json()).revision };
      if (res.status === 204) return { kind: 'written' };
      if (res.status === 412) {
        const body = /** @type {{ error?: string, current?: { revision: number } | null }} */ (await res.json().catch(() => ({})));
        return { kind: 'conflict', message: body.error ?? 'the precondition failed', current: body.current?.revision ?? null };
      }
      // A delete whose pipe someone else deleted first: the same race as a 412.
      if (res.status === 404 && method === 'DELETE') return { kind: 'conflict', message: `"${action.name}" does not exist`, current: null };
      throw await failure(`${method} ${path}`, res);
    },
  };
}

/** @param {NodeJS.ProcessEnv} env */
function apiFromEnv(env) {
  const url = env.PIPES_URL?.trim() || DEFAULT_URL;
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`PIPES_URL must be an http:// or https:// URL (got "${url}")`);
  return consoleApi({ url, token: env.PIPES_TOKEN?.trim() || undefined });
}

/** @param {string | undefined} value  @returns {FilesFormat | undefined} */
function readFormat(value) {
  if (value === undefined) return undefined;
  if (!FORMATS.includes(/** @type {FilesFormat} */ (value))) throw new UsageError(`--format must be pipes-json or sql (got "${value}")`);
  return /** @type {FilesFormat} */ (value);
}

/** @param {Finding[]} findings  @param {string} what */
function refused(findings, what) {
  const count = findings.length;
  return new CliError(`${what}: ${count} problem${count === 1 ? '' : 's'}, nothing written`, { findings });
}

/**
 * @param {string} dir
 * @param {{ format?: string }} options
 * @param {Output} out
 */
async function exportCommand(dir, options, out) {
  const format = readFormat(options.format) ?? 'pipes-json';
  const problem = await exportTargetProblem(dir, format);
  if (problem) throw new CliError(problem);
  const api = apiFromEnv(process.env);
  const listing = await api.listing();
  const { exported, skipped } = exportedPipes(listing);
  const progress = progressReporter({ total: exported.length, label: 'export: files written', write: (l) => out.note(l) });
  const result = await writeExport(dir, format, exported, { onProgress: (done) => progress(done) });
  for (const f of result.sidecarProblem) out.note(`! ${formatFinding(f)} (replaced)`);
  const revisionOf = new Map(exported.map((e) => [e.pipe.name, e.revision]));
  for (const s of result.skipped)
    skipped.push({ name: s.name, revision: /** @type {number} */ (revisionOf.get(s.name)), reason: s.reason });
  for (const s of skipped) out.note(`skipped ${s.name} (r${s.revision}): ${s.reason}`);
  for (const name of result.strays) out.note(`! ${join(dir, name)} is not a pipe of the bucket: an import would create it`);
  const count = exported.length - result.skipped.length;
  const target = format === 'sql' ? `${count} .sql file${count === 1 ? '' : 's'} in ${dir}` : join(dir, PIPES_FILE);
  out.text(
    [
      `Exported ${count} pipe${count === 1 ? '' : 's'} at bucket revision ${listing.revision} to ${target}.`,
      result.written.length ? `  written: ${result.written.length} file${result.written.length === 1 ? '' : 's'}` : '  no file changed',
      ...(result.removed.length ? [`  removed: ${result.removed.join(', ')}`] : []),
    ].join('\n'),
  );
  out.document({
    command: 'export',
    ok: true,
    dir,
    format,
    revision: listing.revision,
    exported: count,
    written: result.written,
    removed: result.removed,
    strays: result.strays,
    skipped,
  });
  return EXIT_OK;
}

/**
 * What diff and import share: the folder read and checked, the bucket listed, the plan made.
 * @param {string} dir
 * @param {{ format?: string, prune: boolean }} options
 */
async function plan(dir, { format, prune }) {
  const read = await readFilesFolder(dir, { format: readFormat(format) });
  if (read.findings.length) throw refused(read.findings, `${dir} is refused`);
  const listing = await apiFromEnv(process.env).listing();
  const made = planImport({ format: read.format, pipes: read.pipes, listing, sidecar: read.sidecar, prune });
  // The plan names files within DIR; the reader gave paths.
  if (made.refusals.length)
    throw refused(
      made.refusals.map((f) => ({ ...f, file: join(dir, f.file) })),
      `${dir} is refused`,
    );
  return { read, listing, plan: made };
}

/**
 * @param {string} dir
 * @param {{ format?: string }} options
 * @param {Output} out
 */
async function diffCommand(dir, options, out) {
  const { plan: made } = await plan(dir, { format: options.format, prune: true });
  for (const i of made.ignored) out.note(`left out: ${i.name} (r${i.revision}): ${i.reason}`);
  out.text(renderDiff(made));
  out.document({ command: 'diff', ok: true, dir, ...diffJson(made) });
  return made.actions.length ? EXIT_DIFFERENT : EXIT_OK;
}

/**
 * @param {string} dir
 * @param {{ format?: string, 'dry-run'?: boolean, prune?: boolean, note?: string }} options
 * @param {Output} out
 */
async function importCommand(dir, options, out) {
  const note = options.note?.trim() === '' ? undefined : options.note;
  if (note !== undefined && [...note].length > MAX_NOTE_CHARS) {
    throw new UsageError(`--note is ${[...note].length} characters; the console keeps at most ${MAX_NOTE_CHARS}`);
  }
  const dryRun = Boolean(options['dry-run']);
  const { read, listing, plan: made } = await plan(dir, { format: options.format, prune: Boolean(options.prune) });
  const conflicts = made.actions.filter((a) => a.conflict);
  const base = { command: 'import', dir, dry_run: dryRun };

  if (dryRun || conflicts.length) {
    out.text(renderPlan(made, { dryRun: true }));
    for (const a of conflicts) out.note(`✖ conflict: ${a.name}: ${a.conflict}`);
    if (conflicts.length) {
      const count = `${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}`;
      const path = join(dir, SIDECAR_FILE);
      out.note(
        `✖ ${count}: nothing was written. diff shows what differs; to write the files' version anyway, remove the pipe from ${path}.`,
      );
    } else out.text('Dry run: nothing was written.');
    const outcome = conflicts.length ? 'conflict' : 'planned';
    out.document({
      ...base,
      ok: !conflicts.length,
      outcome,
      ...planJson(made),
      conflicts: conflicts.map((a) => ({ name: a.name, reason: a.conflict })),
    });
    return conflicts.length ? EXIT_DIFFERENT : EXIT_OK;
  }

  const progress = progressReporter({ total: made.actions.length, label: 'import: written', write: (l) => out.note(l) });
  const api = apiFromEnv(process.env);
  const { done, stopped } = await applyActions(made.actions, {
    write: (action) => api.write(action, note),
    onProgress: progress,
    concurrency: WRITES_IN_FLIGHT,
  });
  // Before anything else: the revisions this import made are what the files now stand on.
  const sidecar = nextSidecar(
    read.sidecar,
    made,
    done,
    listing,
    read.pipes.map((p) => p.name),
  );
  const sidecarWritten = await writeSidecar(dir, sidecar);

  out.text(renderPlan(made, { dryRun: false, done }));
  const summary = `${done.length} of ${made.actions.length} write${made.actions.length === 1 ? '' : 's'} done, ${made.unchanged.length} unchanged`;
  /** @type {Record<string, unknown>} */
  const doc = { ...base, ...planJson(made, { done }), sidecar_written: sidecarWritten };
  if (!stopped) {
    out.text(made.actions.length ? `Applied: ${summary}.` : `Nothing to write: ${made.unchanged.length} unchanged.`);
    out.document({ ...doc, ok: true, outcome: 'applied' });
    return EXIT_OK;
  }
  const { action } = stopped;
  if ('conflict' in stopped) {
    const now = stopped.conflict.current === null ? 'it does not exist now' : `it is at revision ${stopped.conflict.current} now`;
    const reason = `${stopped.conflict.message}: ${describePrecondition(action)} no longer holds (${now})`;
    out.note(`✖ conflict: ${action.name}: ${reason}. ${summary}; the rest were not sent.`);
    out.document({ ...doc, ok: false, outcome: 'conflict', conflicts: [{ name: action.name, reason, current: stopped.conflict.current }] });
    return EXIT_DIFFERENT;
  }
  const message = `${action.op} ${action.name}: ${messageOf(stopped.error)}. ${summary}; the rest were not sent.`;
  throw new CliError(message, { cause: stopped.error, details: { ...doc, outcome: 'error' } });
}

/** @type {Record<'export' | 'diff' | 'import', { run: (dir: string, options: any, out: Output) => Promise<number>, options: Record<string, { type: 'string' | 'boolean' }> }>} */
const COMMANDS = {
  export: { run: exportCommand, options: { format: { type: 'string' } } },
  diff: { run: diffCommand, options: { format: { type: 'string' } } },
  import: {
    run: importCommand,
    options: { format: { type: 'string' }, 'dry-run': { type: 'boolean' }, prune: { type: 'boolean' }, note: { type: 'string' } },
  },
};

/** @param {string[]} argv  @returns {Promise<number>} the exit code */
async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(`${HELP.main}\n`);
    return command === undefined ? EXIT_ERROR : EXIT_OK;
  }
  const json = rest.includes('--json');
  const out = new Output(json);
  try {
    if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}"; see npm run pipes -- --help`);
    const spec = COMMANDS[/** @type {keyof typeof COMMANDS} */ (command)];
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...spec.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageError(`${messageOf(err)}; see npm run pipes -- ${command} --help`);
    }
    if (parsed.values.help) {
      process.stdout.write(`${HELP[/** @type {keyof typeof COMMANDS} */ (command)]}\n`);
      return EXIT_OK;
    }
    const [dir, ...extra] = parsed.positionals;
    if (dir === undefined || extra.length)
      throw new UsageError(`${command} takes one folder (DIR); see npm run pipes -- ${command} --help`);
    return await spec.run(dir, parsed.values, out);
  } catch (err) {
    const { findings = [], details = {} } = err instanceof CliError ? err : {};
    for (const f of findings) out.note(`  ${formatFinding(f)}`);
    out.note(err instanceof ScriptError ? `✖ ${err.message}` : `✖ ${/** @type {Error} */ (err)?.stack ?? err}`);
    out.document({ command, ...details, ok: false, error: messageOf(err), findings });
    return EXIT_ERROR;
  }
}

process.exitCode = await main(process.argv.slice(2));
