// Findings that do not stop a save: what WaveHouse accepts but is most likely a mistake. The one
// place these rules live: the API lists them in an entry's `warnings` (pipeWarnings), the
// editor's lint marks them on the fields and in the SQL (pipeFindings), and so can any other
// tool that reads pipes.
import { MESSAGES } from './messages';
import { leadingWords, scanSql, type SqlToken } from './sql-scan';
import { extractPlaceholders, type Placeholder } from './template';

/** The role WaveHouse lets through every pipe unless told otherwise. */
export const DEFAULT_ADMIN_ROLE = 'admin';

/**
 * What the rules read of a pipe. A Pipe is one; so is the editor's form half-typed, whose
 * parameter names may be empty or repeated (the errors about those are the schema's and lint's).
 */
export type PipeDraft = {
  name: string;
  sql: string;
  parameters?: readonly { name: string; required?: boolean; default?: unknown }[];
  allowed_roles?: readonly string[];
};

export type WarningOptions = {
  /** The key the pipe is stored under; its name should be the same. */
  key?: string;
  /** The role that passes every pipe's allowed_roles check; DEFAULT_ADMIN_ROLE when left out. */
  adminRole?: string;
};

/** One finding at the API's issue path (`sql`, `parameters.2.name`), with its range in the SQL for `sql`. */
export type PipeFinding = { path: string; message: string; from?: number; to?: number };

/** Statements WaveHouse runs on every call and never caches, because they change something. */
export const WRITE_VERBS: ReadonlySet<string> = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'CREATE',
  'RENAME',
  'OPTIMIZE',
  'ATTACH',
  'DETACH',
  'GRANT',
  'REVOKE',
  'KILL',
  'SYSTEM',
  'SET',
]);

// What a writer meant as `{{name}}` but WaveHouse's pattern does not match, because of spaces
// between the braces and the name (or the name and the ':'). Spaces inside an inline default
// are part of the default, so `{{x: 5}}` is a real placeholder.
const SPACED_PLACEHOLDER = /\{\{(?:\s+(\w+)\s*|(\w+)\s+)(?::[^}]*)?\}\}/g;

const PARAM_NAME = /^\w+$/;

/** Every finding, in the order of: name, SQL (by position), parameters (by row), roles. */
export function pipeFindings(pipe: PipeDraft, options: WarningOptions = {}): PipeFinding[] {
  const findings: PipeFinding[] = [];
  if (options.key !== undefined && pipe.name !== options.key) {
    findings.push({ path: 'name', message: MESSAGES.nameDiffersFromKey(pipe.name, options.key) });
  }
  const placeholders = extractPlaceholders(pipe.sql);
  findings.push(...sqlFindings(pipe, placeholders));
  findings.push(...paramFindings(pipe, placeholders));
  const adminRole = options.adminRole ?? DEFAULT_ADMIN_ROLE;
  (pipe.allowed_roles ?? []).forEach((role, i) => {
    if (role === adminRole) findings.push({ path: `allowed_roles.${i}`, message: MESSAGES.adminRoleListed(role) });
  });
  return findings;
}

/** The entry's `warnings`: each message once, however often its finding occurs. */
export function pipeWarnings(pipe: PipeDraft, key?: string, options: Omit<WarningOptions, 'key'> = {}): string[] {
  return [...new Set(pipeFindings(pipe, { ...options, ...(key === undefined ? {} : { key }) }).map((f) => f.message))];
}

function sqlFindings(pipe: PipeDraft, placeholders: Placeholder[]): PipeFinding[] {
  const { sql } = pipe;
  const findings: PipeFinding[] = [];
  const at = (range: { start: number; end: number }, message: string) =>
    findings.push({ path: 'sql', message, from: range.start, to: range.end });
  const declared = new Set((pipe.parameters ?? []).map((p) => p.name));
  const { tokens, quoted } = scanSql(sql, placeholders);

  for (const ph of placeholders) {
    if (!declared.has(ph.name) && ph.inlineDefault === undefined) at(ph, MESSAGES.undeclaredPlaceholder(ph.name));
    // WaveHouse reads `{{x:}}` as "no default", not as a default of '', so x must be given.
    if (ph.inlineDefault === '') at(ph, MESSAGES.emptyInlineDefault(ph.name));
  }
  // WaveHouse renders a string value with its own quotes: inside quotes already, a value ends the
  // quoted text early, and a crafted one runs as SQL.
  for (const ph of quoted) at(ph, MESSAGES.quotedPlaceholder(ph.name));

  const comments = tokens.filter((t) => t.kind === 'comment');
  for (const m of sql.matchAll(SPACED_PLACEHOLDER)) {
    const range = { start: m.index, end: m.index + m[0].length };
    // Prose in a comment may well show the syntax; what matters is what the query sends.
    if (comments.some((c) => c.start <= range.start && range.start < c.end)) continue;
    at(range, MESSAGES.spacedPlaceholder(m[0].replace(/\s+/g, ' '), m[1] ?? m[2] ?? ''));
  }

  for (const word of leadingWords(sql, tokens)) {
    const verb = text(sql, word).toUpperCase();
    if (WRITE_VERBS.has(verb)) at(word, MESSAGES.writingStatement(verb));
  }
  // Stable: findings at one place keep the order of the rules above.
  return findings.sort((a, b) => (a.from ?? 0) - (b.from ?? 0));
}

function paramFindings(pipe: PipeDraft, placeholders: Placeholder[]): PipeFinding[] {
  const findings: PipeFinding[] = [];
  const used = new Set(placeholders.map((ph) => ph.name));
  const seen = new Set<string>();
  (pipe.parameters ?? []).forEach((p, i) => {
    // An invalid or repeated name is an error already: "unused" would only add noise to it.
    if (PARAM_NAME.test(p.name) && !seen.has(p.name) && !used.has(p.name)) {
      findings.push({ path: `parameters.${i}.name`, message: MESSAGES.unusedParam(p.name) });
    }
    seen.add(p.name);
    if (p.required && p.default !== undefined && p.default !== null) {
      findings.push({ path: `parameters.${i}.default`, message: MESSAGES.requiredWithDefault(p.name) });
    }
  });
  return findings;
}

function text(sql: string, token: SqlToken): string {
  return sql.slice(token.start, token.end);
}
