// The pipe editor's form model: what the inputs hold, kept apart from the wire format so React
// components stay thin. A default is edited as JSON text; fields the form has no input for
// (e.g. resolved_tables, unknown ParamDef fields) ride along in `extra`: a save must never
// drop a field another tool wrote.
import { KNOWN_PARAM_FIELDS, KNOWN_PIPE_FIELDS, jsonEqual, unknownFields } from './fields';
import { MESSAGES } from './messages';
import { validatePipeInput, type FieldIssue, type ParamDef, type ParamType, type Pipe } from './schema';

export type ParamRow = {
  /** Key for React lists; not part of the pipe, ignored by formsEqual. */
  id: string;
  name: string;
  type: ParamType;
  required: boolean;
  /** JSON text; '' = no default. */
  defaultText: string;
  /** ParamDef fields the form has no input for, in their order. */
  extra: Record<string, unknown>;
};

export type PipeForm = {
  name: string;
  sql: string;
  description: string;
  allowedRoles: string[];
  params: ParamRow[];
  /** Top-level fields the form has no input for (e.g. resolved_tables), in their order. */
  extra: Record<string, unknown>;
};

export type ParamPatch = Partial<Omit<ParamRow, 'id'>>;

export const DEFAULT_NOT_JSON = MESSAGES.defaultNotJson;

// A counter rather than crypto.randomUUID: that one is missing outside secure contexts
// (plain http on a LAN address), and ids only need to be unique within one page.
let rowsMade = 0;
function newRowId(): string {
  rowsMade += 1;
  return `param-${rowsMade}`;
}

export function emptyForm(): PipeForm {
  return { name: '', sql: '', description: '', allowedRoles: [], params: [], extra: {} };
}

export function formFromPipe(pipe: Pipe): PipeForm {
  return {
    name: pipe.name,
    sql: pipe.sql,
    description: pipe.description ?? '',
    allowedRoles: [...(pipe.allowed_roles ?? [])],
    params: (pipe.parameters ?? []).map(rowFromParam),
    extra: Object.fromEntries(unknownFields(pipe, KNOWN_PIPE_FIELDS)),
  };
}

function rowFromParam(param: ParamDef): ParamRow {
  return {
    id: newRowId(),
    name: param.name,
    type: param.type ?? '',
    required: param.required === true,
    defaultText: param.default === undefined || param.default === null ? '' : defaultTextOf(param.default),
    extra: Object.fromEntries(unknownFields(param, KNOWN_PARAM_FIELDS)),
  };
}

/** Compact JSON, as the wire has it; -0 kept, as Go keeps it, so a round trip is byte-exact. */
function defaultTextOf(value: unknown): string {
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}

/** A default as typed: value undefined means "no default" ('' or null, which WaveHouse omits). */
export function parseDefaultText(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value: value === null ? undefined : value };
  } catch {
    return { ok: false };
  }
}

/**
 * The pipe the form describes, checked by the same rules as the API (validatePipeInput), so
 * the editor shows every problem before the server would. Issue paths are the API's
 * (`sql`, `parameters.1.name`), which is also where the form shows them.
 */
export function pipeFromForm(
  form: PipeForm,
): { ok: true; pipe: Pipe } | { ok: false; issues: FieldIssue[] } {
  const defaultIssues: FieldIssue[] = [];
  const parameters = form.params.map((row, i) => {
    const parsed = parseDefaultText(row.defaultText);
    if (!parsed.ok) defaultIssues.push({ path: `parameters.${i}.default`, message: DEFAULT_NOT_JSON });
    return paramFromRow(row, parsed.ok ? parsed.value : undefined);
  });
  const allowedRoles = form.allowedRoles.filter((role) => role.trim() !== '');
  const candidate = {
    name: form.name,
    sql: form.sql,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(form.description !== '' ? { description: form.description } : {}),
    ...(allowedRoles.length > 0 ? { allowed_roles: allowedRoles } : {}),
    ...Object.fromEntries(unknownFields(form.extra, KNOWN_PIPE_FIELDS)),
  };
  const result = validatePipeInput(candidate, form.name);
  if (result.ok && defaultIssues.length === 0) return { ok: true, pipe: result.value };
  return { ok: false, issues: [...(result.ok ? [] : result.issues), ...defaultIssues] };
}

function paramFromRow(row: ParamRow, defaultValue: unknown): ParamDef {
  return {
    name: row.name,
    type: row.type,
    ...(row.required ? { required: true } : {}),
    // Checked by validatePipeInput right after; the cast only names the type it checks for.
    ...(defaultValue !== undefined ? { default: defaultValue as ParamDef['default'] } : {}),
    ...Object.fromEntries(unknownFields(row.extra, KNOWN_PARAM_FIELDS)),
  };
}

/**
 * Whether two forms describe the same pipe: row ids are ignored, defaults compare as values
 * (`[1,2]` equals `[1, 2]`) and blank role entries do not count. "Has unsaved edits" is
 * `!formsEqual(form, formFromPipe(base))`.
 */
export function formsEqual(a: PipeForm, b: PipeForm): boolean {
  return jsonEqual(comparable(a), comparable(b));
}

function comparable(form: PipeForm) {
  return {
    ...form,
    allowedRoles: form.allowedRoles.filter((role) => role.trim() !== ''),
    params: form.params.map(({ id: _id, defaultText, ...row }) => {
      const parsed = parseDefaultText(defaultText);
      return { ...row, default: parsed.ok ? { value: parsed.value } : { text: defaultText } };
    }),
  };
}

export function addParam(form: PipeForm): PipeForm {
  const row: ParamRow = { id: newRowId(), name: '', type: '', required: false, defaultText: '', extra: {} };
  return { ...form, params: [...form.params, row] };
}

export function removeParam(form: PipeForm, id: string): PipeForm {
  return { ...form, params: form.params.filter((row) => row.id !== id) };
}

/** Moves a row by `delta` places, stopping at either end; the same form when nothing moves. */
export function moveParam(form: PipeForm, id: string, delta: number): PipeForm {
  const from = form.params.findIndex((row) => row.id === id);
  const to = Math.min(Math.max(from + delta, 0), form.params.length - 1);
  const row = form.params[from];
  if (row === undefined || to === from) return form;
  const params = form.params.filter((r) => r.id !== id);
  params.splice(to, 0, row);
  return { ...form, params };
}

export function updateParam(form: PipeForm, id: string, patch: ParamPatch): PipeForm {
  return { ...form, params: form.params.map((row) => (row.id === id ? { ...row, ...patch } : row)) };
}
