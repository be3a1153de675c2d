// The editor's inline lint: the problems the warnings (pipeFindings) and the schema know, found on
// the form as it is typed, each pointing at the field — and for placeholders at the characters
// in the SQL — it is about. Errors stop a save; warnings are what WaveHouse accepts but is
// most likely a mistake.
import { parseDefaultText, type PipeForm } from './form';
import { MESSAGES } from './messages';
import type { ParamDef } from './schema';
import { bindSql } from './template';
import { pipeFindings, type PipeDraft, type WarningOptions } from './warnings';

export type LintIssue = {
  severity: 'error' | 'warning';
  /** The API's issue path: `sql`, `parameters.2.name`, … */
  path: string;
  /** A whole sentence: shown alone in a list as well as next to its field. */
  message: string;
  /** Character range in the SQL, for issues about part of it. */
  from?: number;
  to?: number;
};

/** The admin role's name, for the warning about listing it (DEFAULT_ADMIN_ROLE when left out). */
export type LintOptions = Pick<WarningOptions, 'adminRole'>;

const PARAM_NAME = /^\w+$/;
// The markers mergePipes writes; '=======' alone is too common in comments to flag.
const CONFLICT_MARKER = /^(?:<{7}|>{7}) /;

export function lintForm(form: PipeForm, options: LintOptions = {}): LintIssue[] {
  // The warnings are the API's own (pipeFindings), so the editor never says less or other than
  // the entry's `warnings` will.
  const warnings = pipeFindings(draftOf(form), options).map((f): LintIssue => ({ severity: 'warning', ...f }));
  const on = (path: string) => warnings.filter((w) => w.path === path);
  return [
    ...sqlIssues(form, on('sql')),
    ...paramIssues(form, on),
    ...warnings.filter((w) => w.path !== 'sql' && !w.path.startsWith('parameters.')),
  ];
}

/** The form as the rules read it: a default that is not JSON counts as none (it is an error of its own). */
function draftOf(form: PipeForm): PipeDraft {
  return {
    name: form.name,
    sql: form.sql,
    parameters: form.params.map((row) => {
      const parsed = parseDefaultText(row.defaultText);
      return { name: row.name, required: row.required, default: parsed.ok ? parsed.value : undefined };
    }),
    allowed_roles: form.allowedRoles,
  };
}

function sqlIssues(form: PipeForm, warnings: LintIssue[]): LintIssue[] {
  if (form.sql.trim() === '') return [{ severity: 'error', path: 'sql', message: MESSAGES.blankSql }];
  const issues: LintIssue[] = [...warnings];
  let lineStart = 0;
  for (const line of form.sql.split('\n')) {
    if (CONFLICT_MARKER.test(line)) {
      issues.push({ severity: 'error', path: 'sql', message: MESSAGES.mergeConflict, from: lineStart, to: lineStart + line.length });
    }
    lineStart += line.length + 1;
  }
  return issues.sort((a, b) => (a.from ?? 0) - (b.from ?? 0));
}

function paramIssues(form: PipeForm, warningsOn: (path: string) => LintIssue[]): LintIssue[] {
  const issues: LintIssue[] = [];
  const seen = new Set<string>();
  form.params.forEach((row, i) => {
    const error = (path: string, message: string) => issues.push({ severity: 'error', path, message });
    const namePath = `parameters.${i}.name`;
    if (row.name === '') {
      error(namePath, MESSAGES.paramNameRequired);
    } else if (!PARAM_NAME.test(row.name)) {
      error(namePath, MESSAGES.paramNameChars(row.name));
    } else if (seen.has(row.name)) {
      // Like the schema: the first one is fine, each later one is the problem.
      error(namePath, MESSAGES.duplicateParam(row.name));
    }
    seen.add(row.name);
    issues.push(...warningsOn(namePath));

    const defaultPath = `parameters.${i}.default`;
    if (!parseDefaultText(row.defaultText).ok) error(defaultPath, MESSAGES.defaultNotJson);
    issues.push(...warningsOn(defaultPath));
  });
  return issues;
}

/**
 * The SQL WaveHouse would run with these sample values. A sample is JSON when it parses
 * (`42`, `[1,2]`, `"x"`, `null`), else the text itself; '' means "not supplied", so the
 * declared or inline default shows. A default that is not valid JSON is left out (lintForm
 * reports it).
 */
export function previewSql(
  form: PipeForm,
  samples: Record<string, string>,
): { ok: true; sql: string } | { ok: false; error: string } {
  const parameters: ParamDef[] = form.params.map((row) => {
    const parsed = parseDefaultText(row.defaultText);
    const value = parsed.ok ? parsed.value : undefined;
    return {
      name: row.name,
      type: row.type,
      ...(row.required ? { required: true } : {}),
      ...(value !== undefined ? { default: value as ParamDef['default'] } : {}),
    };
  });
  const supplied = Object.fromEntries(
    Object.entries(samples)
      .filter(([, text]) => text !== '')
      .map(([name, text]) => [name, sampleValue(text)]),
  );
  return bindSql({ name: form.name, sql: form.sql, parameters }, supplied);
}

function sampleValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
