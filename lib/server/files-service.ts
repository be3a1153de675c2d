import 'server-only';
import { z } from 'zod';
import { applyActions } from '@/lib/files/apply.mjs';
import type { WriteOutcome } from '@/lib/files/apply.d.mts';
import { exportedPipes } from '@/lib/files/export.mjs';
import { PIPES_FILE, serializePipesFile } from '@/lib/files/pipes-json.mjs';
import type { Action, Plan } from '@/lib/files/plan.d.mts';
import { preconditionOf } from '@/lib/files/plan.mjs';
import { planJson } from '@/lib/files/report.mjs';
import { sqlExportFiles } from '@/lib/files/sql-folder.mjs';
import type { FilesFormat, Finding, Listing } from '@/lib/files/types.d.mts';
import type { Bases } from '@/lib/files/upload.d.mts';
import { basesOf, decodeUploadedFiles, planUpload } from '@/lib/files/upload.mjs';
import { MAX_ZIP_FILES, zipStored } from '@/lib/files/zip.mjs';
import { validatePipeInput } from '@/lib/pipes/schema';
import type { Principal } from '@/lib/server/auth';
import { BadRequestError, FilesRefusedError, NotFoundError, PreconditionFailedError } from '@/lib/server/errors';
import { errorResponse } from '@/lib/server/http/error-response';
import { MAX_NOTE_CHARS, readPrecondition } from '@/lib/server/http/request';
import { deletePipe, listPipes, putPipe, type Author, type Precondition } from '@/lib/server/pipe-service';

// Export and Import for the browser: the files CLI's formats, decoders, plan and write loop
// (lib/files), run inside the console against its watched cache and its own compare-and-set
// writes, so every write is announced, labelled with the person and the note, and archived.

/** What POST /api/import accepts: 32 MiB, room for a pipes.json of thousands of pipes. */
export const MAX_IMPORT_BODY_BYTES = 32 * 1024 * 1024;

export const EXPORT_FORMATS = ['pipes-json', 'sql'] as const satisfies readonly FilesFormat[];

export type ExportFile = {
  fileName: string;
  contentType: string;
  body: string | Uint8Array<ArrayBuffer>;
  /** The bucket revision the export shows. */
  revision: number;
  /** Entries the export does not hold (invalid, or a name no file can have), with why. */
  leftOut: { name: string; revision: number; reason: string }[];
};

function exportFormat(format: string | null): FilesFormat {
  if (format === null || format === '') return 'pipes-json';
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as FilesFormat;
  throw new BadRequestError(`format must be pipes-json or sql, got ${JSON.stringify(format)}`, [
    { path: 'format', message: 'unknown format' },
  ]);
}

const toListing = ({ revision, pipes }: Awaited<ReturnType<typeof listPipes>>): Listing => ({ revision, pipes });

/** The bucket's valid pipes as `npm run pipes -- export` writes them: pipes.json's bytes, or a zip of `.sql` files. */
export async function exportFile(format: string | null): Promise<ExportFile> {
  const chosen = exportFormat(format);
  const listing = toListing(await listPipes());
  const { exported, skipped } = exportedPipes(listing);
  if (chosen === 'pipes-json') {
    const body = serializePipesFile(exported.map((e) => e.pipe));
    return { fileName: PIPES_FILE, contentType: 'application/json; charset=utf-8', body, revision: listing.revision, leftOut: skipped };
  }
  const { files, skipped: notFiles } = sqlExportFiles(exported.map((e) => e.pipe));
  if (files.length > MAX_ZIP_FILES) {
    throw new BadRequestError(
      `the bucket holds ${files.length} pipes; a .sql zip holds at most ${MAX_ZIP_FILES}: export pipes.json instead`,
    );
  }
  const exportedAt = new Map(exported.map((e) => [e.pipe.name, e]));
  const zip = zipStored(
    files.map((f) => {
      const updated = exportedAt.get(f.name)?.updated;
      return { name: f.fileName, data: f.text, ...(updated ? { modified: new Date(updated) } : {}) };
    }),
  );
  const leftOut = [...skipped, ...notFiles.map((s) => ({ ...s, revision: exportedAt.get(s.name)?.revision ?? 0 }))];
  return { fileName: 'pipes-sql.zip', contentType: 'application/zip', body: new Uint8Array(zip), revision: listing.revision, leftOut };
}

const ImportBodySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  files: z.array(z.strictObject({ name: z.string(), text: z.string() })),
  roles: z.string().optional(),
  prune: z.boolean().optional(),
  apply: z.boolean().optional(),
  note: z.string().optional(),
  bases: z.unknown().optional(),
});

export type ImportRequest = Omit<z.infer<typeof ImportBodySchema>, 'bases' | 'note'> & { bases?: Bases; note?: string };

/** The body of POST /api/import, checked; 400 naming each wrong field. */
export function parseImportRequest(body: unknown): ImportRequest {
  const parsed = ImportBodySchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) =>
      (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k]) : [i.path]).map((path) => ({
        path: path.map(String).join('.'),
        message: i.message,
      })),
    );
    throw new BadRequestError(
      `invalid import request: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      issues,
    );
  }
  const { bases: rawBases, note: rawNote, ...rest } = parsed.data;
  const note = rawNote === undefined || rawNote.trim() === '' ? undefined : rawNote;
  if (note !== undefined && [...note].length > MAX_NOTE_CHARS) {
    throw new BadRequestError(`the change note is ${[...note].length} characters; at most ${MAX_NOTE_CHARS} are kept`, [
      { path: 'note', message: 'too long' },
    ]);
  }
  return { ...rest, ...(note === undefined ? {} : { note }), ...(rawBases === undefined ? {} : { bases: readBases(rawBases) }) };
}

/** `bases`: pipe name → the revision the plan saw, or null (absent). Built without a prototype, so a pipe named `__proto__` is a name like any other. */
function readBases(raw: unknown): Bases {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BadRequestError('bases must be an object of pipe name → revision', [{ path: 'bases', message: 'not an object' }]);
  }
  const bases: Bases = Object.create(null);
  for (const [name, revision] of Object.entries(raw)) {
    if (revision !== null && !(Number.isSafeInteger(revision) && (revision as number) > 0)) {
      throw new BadRequestError(`bases.${name} must be a revision (a whole number from 1) or null`, [
        { path: `bases.${name}`, message: 'not a revision' },
      ]);
    }
    bases[name] = revision as number | null;
  }
  return bases;
}

/** How the import reads the bucket and writes to it: the console's own cache and writes, or fakes in a test. */
export type ImportIo = {
  listing(): Promise<Listing>;
  put(key: string, body: unknown, precondition: Precondition, author: Author): Promise<{ revision: number }>;
  remove(key: string, precondition: Precondition, author: Author): Promise<void>;
};

const consoleIo: ImportIo = {
  listing: async () => toListing(await listPipes()),
  put: putPipe,
  remove: deletePipe,
};

export type ImportAnswer = { status: number; body: Record<string, unknown> };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * POST /api/import. Checks the files (400 with every finding), plans against the cache and, when
 * asked to apply, writes the plan's actions in order by compare-and-set, the note as every
 * write's change note: 409 at the first conflict (found in the plan: nothing written; met by a
 * write: what came before stays written, the rest is not sent), 200 when all were written.
 */
export async function importFiles(body: unknown, principal: Principal, io: ImportIo = consoleIo): Promise<ImportAnswer> {
  const request = parseImportRequest(body);
  const decoded = decodeUploadedFiles({ format: request.format, files: request.files, roles: request.roles });
  if (!decoded.pipes) throw refused(decoded.findings);
  const plan = planUpload({
    format: request.format,
    pipes: decoded.pipes,
    listing: await io.listing(),
    bases: request.bases,
    prune: request.prune,
  });
  const problems = planProblems(plan, request.format === 'pipes-json' ? request.files[0]?.name : undefined);
  if (problems.length) throw refused(problems);

  const conflicts = plan.actions.filter((a) => a.conflict).map((a) => ({ name: a.name, reason: a.conflict!, current: a.current }));
  if (!request.apply) return { status: 200, body: { outcome: 'planned', ...planJson(plan), conflicts, bases: basesOf(plan) } };
  if (conflicts.length) {
    const named = conflicts.map((c) => `${c.name}: ${c.reason}`).join('; ');
    return {
      status: 409,
      body: {
        error: `${plural(conflicts.length, 'conflict')}, nothing written: ${named}`,
        outcome: 'conflict',
        conflicts,
        done: [],
        ...planJson(plan, { done: [] }),
      },
    };
  }

  const author: Author = { principal, ...(request.note === undefined ? {} : { note: request.note }) };
  const { done, stopped } = await applyActions(plan.actions, { write: (action) => write(io, action, author) });
  const report = { done, ...planJson(plan, { done }) };
  if (!stopped) return { status: 200, body: { outcome: 'applied', ...report } };
  const { action } = stopped;
  const progress = `${done.length} of ${plural(plan.actions.length, 'write')} done before it, the rest not sent`;
  if ('conflict' in stopped) {
    const expected = action.base ? `revision ${action.base.revision}` : 'no pipe of that name';
    const reason = `changed after the plan was made: ${stopped.conflict.message} (the import expected ${expected})`;
    return {
      status: 409,
      body: {
        error: `conflict on ${action.name}: ${reason}; ${progress}`,
        outcome: 'conflict',
        conflicts: [{ name: action.name, reason, current: stopped.conflict.current }],
        ...report,
      },
    };
  }
  // Not a race: the console could not write (NATS away, a value too large). Its own status and words.
  const failure = errorResponse(stopped.error);
  const { error } = (await failure.json()) as { error?: string };
  return {
    status: failure.status,
    body: {
      error: `${action.op} ${action.name} failed: ${error ?? 'error'}; ${progress}`,
      outcome: 'failed',
      failed: { name: action.name, op: action.op },
      ...report,
    },
  };
}

function refused(findings: Finding[]): FilesRefusedError {
  return new FilesRefusedError(`the files are refused (${plural(findings.length, 'problem')}); nothing was written`, findings);
}

/**
 * What the plan would write that the console would refuse: names it would not create, and
 * bodies its own schema rejects. Found before anything is written, so nothing half-happens.
 */
function planProblems(plan: Plan, pipesFileName: string | undefined): Finding[] {
  const fileOf = (name: string) => pipesFileName ?? `${name}.sql`;
  const problems: Finding[] = plan.refusals.map((f) => ({ ...f, file: f.pipe === undefined ? f.file : fileOf(f.pipe) }));
  for (const action of plan.actions) {
    if (!action.body) continue;
    const checked = validatePipeInput(action.body, action.name);
    if (!checked.ok) {
      for (const issue of checked.issues) {
        problems.push({
          file: fileOf(action.name),
          pipe: action.name,
          ...(issue.path ? { path: issue.path } : {}),
          message: issue.message,
        });
      }
    }
  }
  return problems;
}

async function write(io: ImportIo, action: Action, author: Author): Promise<WriteOutcome> {
  const precondition = readPrecondition(new Headers(preconditionOf(action)))!;
  try {
    if (action.op === 'delete') {
      await io.remove(action.name, precondition, author);
      return { kind: 'written' };
    }
    return { kind: 'written', revision: (await io.put(action.name, action.body, precondition, author)).revision };
  } catch (err) {
    if (err instanceof PreconditionFailedError) return { kind: 'conflict', message: err.message, current: err.current?.revision ?? null };
    // A delete whose pipe someone else deleted first: the same race as a 412.
    if (err instanceof NotFoundError && action.op === 'delete')
      return { kind: 'conflict', message: `"${action.name}" does not exist`, current: null };
    throw err;
  }
}
