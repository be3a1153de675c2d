// WaveHouse templating: `{{name}}` and `{{name:default}}` placeholders, and how a
// value becomes SQL text. The console uses it to lint and to preview the bound SQL, so it
// must render exactly what WaveHouse would run.
import { MESSAGES } from './messages';
import type { Pipe } from './schema';

/**
 * WaveHouse's placeholder pattern. Global, so use it with `matchAll` / `replace` (which copy
 * it) rather than `exec` in a loop, which would share `lastIndex` between callers.
 */
export const PLACEHOLDER = /\{\{(\w+)(?::([^}]*))?\}\}/g;

export type Placeholder = {
  name: string;
  /** Text after ':' — present (possibly '') for `{{x:…}}`, absent for `{{x}}`. */
  inlineDefault?: string;
  /** Offsets in the SQL: `sql.slice(start, end)` is the whole `{{…}}`. */
  start: number;
  end: number;
};

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Every placeholder occurrence, in order, repeats included. */
export function extractPlaceholders(sql: string): Placeholder[] {
  return Array.from(sql.matchAll(PLACEHOLDER), (m) => {
    const [whole, name = '', inlineDefault] = m;
    const start = m.index;
    const ph: Placeholder = { name, start, end: start + whole.length };
    if (inlineDefault !== undefined) ph.inlineDefault = inlineDefault;
    return ph;
  });
}

/**
 * A string is rendered bare when it is exactly a JSON number literal with a finite value:
 * optional '-', no leading zeros, optional fraction and exponent ("42", "-1.5", "1e3").
 * Anything else — "+1", ".5", "1.", "0x1F", "Infinity", " 42", and "007" (so codes and
 * zip codes keep their zeros) — is quoted. A bare string keeps its own text, so
 * "12345678901234567890" is not rounded through a double.
 */
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

export function isNumericLiteral(s: string): boolean {
  return NUMBER_LITERAL.test(s) && Number.isFinite(Number(s));
}

/** One value as SQL text; throws TemplateError for what SQL cannot express. */
export function renderSqlValue(value: unknown): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return isNumericLiteral(value) ? value : `'${value.replace(/['\\]/g, (c) => (c === "'" ? "''" : '\\\\'))}'`;
    case 'number':
      if (!Number.isFinite(value)) throw new TemplateError(MESSAGES.valueNotFinite(value));
      // Whole numbers as plain integers (BigInt never switches to exponent form: 1e21 too).
      return Number.isInteger(value) ? BigInt(value).toString() : String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? '1' : '0';
    case 'object':
      if (Array.isArray(value)) {
        if (value.length === 0) throw new TemplateError(MESSAGES.valueEmptyArray);
        return `(${value.map(renderSqlValue).join(', ')})`;
      }
      throw new TemplateError(MESSAGES.valueObject);
    default:
      throw new TemplateError(MESSAGES.valueType(typeof value));
  }
}

/**
 * The SQL with every placeholder replaced. Per placeholder: the supplied value, else the
 * declared parameter's default, else the inline default (rendered by the same rules, so
 * `{{hours:24}}` gives bare 24), else an error. A supplied null is a value (NULL);
 * a supplied undefined counts as not supplied. A `required` parameter must be supplied, as
 * WaveHouse asks of a call: its defaults do not stand in, and the SQL need not use it.
 */
export function bindSql(
  pipe: Pipe,
  supplied: Record<string, unknown>,
): { ok: true; sql: string } | { ok: false; error: string } {
  const declared = new Map((pipe.parameters ?? []).map((p) => [p.name, p]));
  const errors = new Set<string>();
  let sql = '';
  let pos = 0;
  for (const ph of extractPlaceholders(pipe.sql)) {
    sql += pipe.sql.slice(pos, ph.start);
    pos = ph.end;
    // hasOwn: names like "constructor" must not resolve to Object.prototype members.
    const given = Object.hasOwn(supplied, ph.name) ? supplied[ph.name] : undefined;
    const fallback = declared.get(ph.name)?.default;
    const value = given !== undefined ? given : (fallback ?? ph.inlineDefault);
    if (value === undefined) {
      errors.add(MESSAGES.missingParam(ph.name));
      continue;
    }
    try {
      sql += renderSqlValue(value);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      errors.add(MESSAGES.paramValue(ph.name, err.message));
    }
  }
  // Checked apart from the placeholders: a required parameter's defaults never stand in for it.
  for (const p of pipe.parameters ?? []) {
    if (p.required && (!Object.hasOwn(supplied, p.name) || supplied[p.name] === undefined)) errors.add(MESSAGES.missingParam(p.name));
  }
  if (errors.size > 0) return { ok: false, error: [...errors].join('; ') };
  return { ok: true, sql: sql + pipe.sql.slice(pos) };
}
