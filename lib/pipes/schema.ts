// WaveHouse pipe wire format: one zod schema per concept, plus the exact
// Go-compatible serializer so a value the console writes is byte-identical to what
// WaveHouse itself would write, and nothing another writer put there is ever dropped.
import { z } from 'zod';
import { MESSAGES } from './messages';

// Zod's JIT probes for eval with Function(""); the pages' CSP has no 'unsafe-eval', so in the
// browser that probe is a CSP violation (and a console error) on every page that validates a
// pipe. The interpreter is plenty there; the server keeps the JIT (it validates every entry of
// the bucket at start). Set before any schema below is built.
z.config({ jitless: typeof window !== 'undefined' });

export const PARAM_TYPES = ['', 'string', 'number', 'boolean', 'array'] as const;
export const ParamTypeSchema = z.enum(PARAM_TYPES, { error: MESSAGES.paramType(PARAM_TYPES) });
export type ParamType = z.infer<typeof ParamTypeSchema>;

// Messages read as "<path>: <message>", so they start lower-case and name no path.
const requiredString = (what = 'a string') =>
  z.string({ error: (iss) => (iss.input === undefined ? MESSAGES.fieldRequired : MESSAGES.fieldType(what)) });

/** Any JSON value except null: WaveHouse omits a null default, so null means "no default". */
const DefaultValueSchema = z.union(
  [z.string(), z.number(), z.boolean(), z.array(z.json()), z.record(z.string(), z.json())],
  { error: MESSAGES.fieldType('a JSON value') },
);

export const ParamDefSchema = z.looseObject({
  // WaveHouse's placeholders match \w+ only: any other name could never be filled in.
  name: requiredString().regex(/^\w+$/, MESSAGES.paramNameInvalid),
  // Go writes "" for an unset type; other writers may leave it out.
  type: ParamTypeSchema.default(''),
  required: z.boolean({ error: MESSAGES.fieldType('true or false') }).optional(),
  default: DefaultValueSchema.optional(),
});
export type ParamDef = z.infer<typeof ParamDefSchema>;

const ParametersSchema = z
  .array(ParamDefSchema, { error: MESSAGES.fieldType('an array of parameters') })
  .superRefine(
    (params, ctx) => {
      const seen = new Set<string>();
      params.forEach((p: unknown, i) => {
        const name = isPlainObject(p) ? p.name : undefined;
        if (typeof name !== 'string') return;
        if (seen.has(name)) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: MESSAGES.duplicateParam(name) });
        }
        seen.add(name);
      });
    },
    // Also when another parameter is invalid, so one save reports every problem at once.
    { when: (payload) => Array.isArray(payload.value) },
  );

export const PipeSchema = z.looseObject({
  name: requiredString().min(1, MESSAGES.nameEmpty),
  sql: requiredString().refine((s) => s.trim() !== '', MESSAGES.sqlBlank),
  parameters: ParametersSchema.optional(),
  description: requiredString().optional(),
  // An empty role names no caller: it is always a slip (a stray comma), so it is refused.
  allowed_roles: z.array(requiredString().min(1, MESSAGES.roleEmpty), { error: MESSAGES.fieldType('an array of strings') }).optional(),
});
export type Pipe = z.infer<typeof PipeSchema>;

export type FieldIssue = { path: string; message: string };

/**
 * Deepest nesting of arrays and objects accepted in a pipe (real ones nest a few levels). Deeper
 * values overflow the stack of the recursive validators and encoders (JSON.stringify included),
 * which would turn one such value into a 500 on every list or stream that carries it.
 */
export const MAX_JSON_DEPTH = 128;

/** Whether the JSON text `text` nests arrays and objects deeper than `max` (string contents skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function parseStoredPipe(text: string): { ok: true; value: Pipe } | { ok: false; message: string } {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { ok: false, message: `value nests deeper than ${MAX_JSON_DEPTH} levels` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: oneLine(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`) };
  }
  if (!isPlainObject(json)) return { ok: false, message: `value must be a JSON object, got ${jsonKind(json)}` };
  const result = PipeSchema.safeParse(dropNullOptionals(json));
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: oneLine(toIssues(result.error).map(formatIssue).join('; ')) };
}

/** An API body: the key from the URL is the pipe's name, whatever the body says. */
export function validatePipeInput(
  body: unknown,
  key: string,
): { ok: true; value: Pipe } | { ok: false; issues: FieldIssue[] } {
  if (!isPlainObject(body)) {
    return { ok: false, issues: [{ path: '', message: `body must be a JSON object, got ${jsonKind(body)}` }] };
  }
  const result = PipeSchema.safeParse({ ...dropNullOptionals(body), name: key });
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toIssues(result.error) };
}

const PIPE_FIELDS = ['name', 'sql', 'parameters', 'description', 'allowed_roles'];
const PARAM_FIELDS = ['name', 'type', 'required', 'default'];

export type SerializeOptions = {
  /**
   * Escape < > & as \u003c \u003e \u0026, as Go's json.Marshal does. Off by default: the
   * WaveHouse fixtures (byte for byte what it writes) carry a raw '>', i.e. WaveHouse encodes
   * with SetEscapeHTML(false). Both forms decode to the same value everywhere.
   */
  escapeHTML?: boolean;
};

/**
 * The exact bytes WaveHouse writes for a NamedQuery (Go encoding/json): fixed field order,
 * omitempty fields left out, compact. Unknown fields follow in the order they were read.
 */
export function serializePipe(pipe: Pipe, options: SerializeOptions = {}): string {
  const goJson = (value: unknown) => encodeGoJson(value, options.escapeHTML ?? false);
  const fields: [string, string][] = [
    ['name', goJson(pipe.name)],
    ['sql', goJson(pipe.sql)],
  ];
  if (pipe.parameters?.length) {
    fields.push(['parameters', `[${pipe.parameters.map((p) => serializeParam(p, goJson)).join(',')}]`]);
  }
  if (pipe.description) fields.push(['description', goJson(pipe.description)]);
  if (pipe.allowed_roles?.length) fields.push(['allowed_roles', goJson(pipe.allowed_roles)]);
  return goObject(fields, pipe, PIPE_FIELDS, goJson);
}

type Encode = (value: unknown) => string;

function serializeParam(param: ParamDef, goJson: Encode): string {
  const fields: [string, string][] = [
    ['name', goJson(param.name)],
    ['type', goJson(param.type ?? '')],
  ];
  if (param.required) fields.push(['required', 'true']);
  if (param.default !== undefined && param.default !== null) fields.push(['default', goJson(param.default)]);
  return goObject(fields, param, PARAM_FIELDS, goJson);
}

/** The pipe as it reads back after a save: omitted-when-empty fields gone, type filled in. */
export function normalizePipe(pipe: Pipe): Pipe {
  return JSON.parse(serializePipe(pipe)) as Pipe;
}

function goObject(
  known: [string, string][],
  source: Record<string, unknown>,
  knownNames: string[],
  goJson: Encode,
): string {
  const fields = [...known];
  for (const [k, v] of Object.entries(source)) {
    if (!knownNames.includes(k) && v !== undefined) fields.push([k, goJson(v)]);
  }
  return `{${fields.map(([k, v]) => `${goJson(k)}:${v}`).join(',')}}`;
}

/** encoding/json for a decoded JSON value: compact, -0 kept as Go keeps it. */
function encodeGoJson(value: unknown, escapeHTML: boolean): string {
  const str = (s: string) => goString(s, escapeHTML);
  const encode = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return str(v);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new TypeError(`cannot encode ${v} as JSON`);
      // JS and Go agree on the shortest form and where exponents start (1e21, 1e-7); only -0 differs.
      return Object.is(v, -0) ? '-0' : JSON.stringify(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (Array.isArray(v)) return `[${v.map(encode).join(',')}]`;
    if (typeof v === 'object') {
      const parts = Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `${str(k)}:${encode(x)}`);
      return `{${parts.join(',')}}`;
    }
    throw new TypeError(`cannot encode a ${typeof v} as JSON`);
  };
  return encode(value);
}

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// JSON.stringify already matches Go (>= 1.22) for quotes, backslash and control characters.
// Go always escapes U+2028/U+2029 (so the JSON is valid JavaScript), and < > & unless told not to.
function goString(s: string, escapeHTML: boolean): string {
  const special = escapeHTML ? /[<>&\u2028\u2029]/g : /[\u2028\u2029]/g;
  return JSON.stringify(s).replace(special, (c) => GO_ESCAPES[c] ?? c);
}

// Go's decoder treats null as "absent" for every field; zod would call it a wrong type.
function dropNullOptionals(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null && (k === 'parameters' || k === 'description' || k === 'allowed_roles')) continue;
    out[k] = k === 'parameters' && Array.isArray(v) ? v.map(dropNullParamFields) : v;
  }
  return out;
}

function dropNullParamFields(param: unknown): unknown {
  if (!isPlainObject(param)) return param;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(param)) {
    if (v === null && (k === 'type' || k === 'required' || k === 'default')) continue;
    out[k] = v;
  }
  return out;
}

function toIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((iss) => ({ path: iss.path.map(String).join('.'), message: iss.message }));
}

function formatIssue(issue: FieldIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  return `a ${typeof v}`;
}

/** Messages end up in one-line UI badges and logs: no raw newlines or control characters. */
function oneLine(s: string): string {
  return s
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
