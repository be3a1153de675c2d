// The editor's inline lint: the problems pipeWarnings and the schema know, found on
// the form as it is typed, each pointing at the field — and for placeholders at the characters
// in the SQL — it is about. Errors stop a save; warnings are what WaveHouse accepts but is
// most likely a mistake.
import { DEFAULT_NOT_JSON, parseDefaultText, type PipeForm } from './form';
import { MESSAGES } from './messages';
import type { ParamDef } from './schema';
import { bindSql, extractPlaceholders } from './template';

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

const PARAM_NAME = /^\w+$/;
// The markers mergePipes writes; '=======' alone is too common in comments to flag.
const CONFLICT_MARKER = /^(?:<{7}|>{7}) /;

export function lintForm(form: PipeForm): LintIssue[] {
  return [...sqlIssues(form), ...paramIssues(form)];
}

function sqlIssues(form: PipeForm): LintIssue[] {
  if (form.sql.trim() === '') return [{ severity: 'error', path: 'sql', message: MESSAGES.blankSql }];
  const issues: LintIssue[] = [];
  let lineStart = 0;
  for (const line of form.sql.split('\n')) {
    if (CONFLICT_MARKER.test(line)) {
      issues.push({
        severity: 'error',
        path: 'sql',
        message: 'unresolved merge conflict: keep the lines you want and delete the <<<<<<<, ======= and >>>>>>> lines',
        from: lineStart,
        to: lineStart + line.length,
      });
    }
    lineStart += line.length + 1;
  }
  const declared = new Set(form.params.map((row) => row.name));
  for (const ph of extractPlaceholders(form.sql)) {
    if (declared.has(ph.name) || ph.inlineDefault !== undefined) continue;
    issues.push({
      severity: 'warning',
      path: 'sql',
      message: MESSAGES.undeclaredPlaceholder(ph.name),
      from: ph.start,
      to: ph.end,
    });
  }
  return issues.sort((a, b) => (a.from ?? 0) - (b.from ?? 0));
}

function paramIssues(form: PipeForm): LintIssue[] {
  const issues: LintIssue[] = [];
  const used = new Set(extractPlaceholders(form.sql).map((ph) => ph.name));
  const seen = new Set<string>();
  form.params.forEach((row, i) => {
    const error = (path: string, message: string) => issues.push({ severity: 'error', path, message });
    const warning = (path: string, message: string) => issues.push({ severity: 'warning', path, message });
    const namePath = `parameters.${i}.name`;
    if (row.name === '') {
      error(namePath, MESSAGES.paramNameRequired);
    } else if (!PARAM_NAME.test(row.name)) {
      error(namePath, MESSAGES.paramNameChars(row.name));
    } else if (seen.has(row.name)) {
      // Like the schema: the first one is fine, each later one is the problem.
      error(namePath, MESSAGES.duplicateParam(row.name));
    } else if (!used.has(row.name)) {
      warning(namePath, MESSAGES.unusedParam(row.name));
    }
    seen.add(row.name);

    const parsed = parseDefaultText(row.defaultText);
    if (!parsed.ok) error(`parameters.${i}.default`, DEFAULT_NOT_JSON);
    else if (row.required && parsed.value !== undefined) {
      warning(`parameters.${i}.default`, MESSAGES.requiredWithDefault(row.name));
    }
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
    return { name: row.name, type: row.type, ...(value !== undefined ? { default: value as ParamDef['default'] } : {}) };
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
