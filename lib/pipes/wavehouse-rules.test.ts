// The pipe rules WaveHouse itself applies, one table per kind of consequence, each row naming its
// rule. Every warning is checked through both of its consumers, the API's `warnings` and the
// editor's lint, since they must say the same thing.
import { describe, expect, it } from 'vitest';
import { emptyForm, formFromPipe, type ParamRow, type PipeForm } from './form';
import { lintForm, previewSql } from './lint';
import { MESSAGES } from './messages';
import { checkRoles } from './roles';
import { PARAM_TYPES, parseStoredPipe, validatePipeInput, type FieldIssue, type Pipe } from './schema';
import { bindSql } from './template';
import { validateForSave } from './validate-for-save';
import { WRITE_VERBS, pipeFindings, pipeWarnings, type WarningOptions } from './warnings';

const NAME_CHARS = MESSAGES.paramNameInvalid;

describe('errors: a save or PUT is refused with the issue', () => {
  it.each<[string, unknown, string, FieldIssue]>([
    ['WaveHouse: an empty pipe name is refused → error', { sql: 'SELECT 1' }, '', { path: 'name', message: 'must not be empty' }],
    ['WaveHouse: blank SQL is refused → error', { sql: ' \n\t' }, 'p', { path: 'sql', message: 'must not be blank' }],
    [
      'WaveHouse: an empty parameter name is refused → error',
      { sql: 'SELECT 1', parameters: [{ name: '' }] },
      'p',
      { path: 'parameters.0.name', message: NAME_CHARS },
    ],
    [
      'WaveHouse: a duplicate parameter name is refused → error',
      { sql: 'SELECT {{a}}', parameters: [{ name: 'a' }, { name: 'a', type: 'number' }] },
      'p',
      { path: 'parameters.1.name', message: 'duplicate parameter name "a"' },
    ],
    [
      'WaveHouse: a parameter type outside "", string, number, boolean, array is refused → error',
      { sql: 'SELECT {{a}}', parameters: [{ name: 'a', type: 'date' }] },
      'p',
      { path: 'parameters.0.type', message: 'must be one of "", "string", "number", "boolean", "array"' },
    ],
    [
      'WaveHouse: a parameter type differing only in case is outside the list → error',
      { sql: 'SELECT {{a}}', parameters: [{ name: 'a', type: 'String' }] },
      'p',
      { path: 'parameters.0.type', message: 'must be one of "", "string", "number", "boolean", "array"' },
    ],
    [
      'WaveHouse: an empty string in allowed_roles is refused → error',
      { sql: 'SELECT 1', allowed_roles: ['analyst', ''] },
      'p',
      { path: 'allowed_roles.1', message: 'must not be empty' },
    ],
  ])('%s', (_rule, body, key, issue) => {
    expect(validatePipeInput(body, key)).toEqual({ ok: false, issues: [issue] });
    // A value another writer stored with the same fault is read as invalid, for the same reason.
    expect(parseStoredPipe(JSON.stringify({ ...(body as object), name: key }))).toEqual({
      ok: false,
      message: `${issue.path}: ${issue.message}`,
    });
  });

  it.each<[string, unknown]>([
    ...PARAM_TYPES.map((type): [string, unknown] => [
      `WaveHouse: parameter type ${JSON.stringify(type)} is in the list → accepted`,
      { sql: 'SELECT {{a}}', parameters: [{ name: 'a', type }] },
    ]),
    ['WaveHouse: a parameter without a type is type "" → accepted', { sql: 'SELECT {{a}}', parameters: [{ name: 'a' }] }],
    ['WaveHouse: allowed_roles of non-empty names → accepted', { sql: 'SELECT 1', allowed_roles: ['analyst', 'support'] }],
    ['WaveHouse: distinct parameter names → accepted', { sql: 'SELECT {{a}}, {{b}}', parameters: [{ name: 'a' }, { name: 'b' }] }],
  ])('%s', (_rule, body) => {
    expect(validatePipeInput(body, 'p').ok).toBe(true);
  });

  const row = (name: string): ParamRow => ({ id: `r-${name}`, name, type: '', required: false, defaultText: '', extra: {} });
  const form = (fields: Partial<PipeForm>): PipeForm => ({ ...emptyForm(), name: 'p', sql: 'SELECT {{a}}', ...fields });
  it.each<[string, PipeForm, string, string]>([
    ['WaveHouse: blank SQL is refused → the editor marks an error', form({ sql: '  ' }), 'sql', MESSAGES.blankSql],
    ['WaveHouse: an empty parameter name is refused → the editor marks an error', form({ params: [row('a'), row('')] }), 'parameters.1.name', MESSAGES.paramNameRequired],
    [
      'WaveHouse: a duplicate parameter name is refused → the editor marks an error',
      form({ params: [row('a'), row('a')] }),
      'parameters.1.name',
      MESSAGES.duplicateParam('a'),
    ],
  ])('%s', (_rule, f, path, message) => {
    const check = validateForSave(f, { isNew: false });
    expect(check.ok).toBe(false);
    expect(check.lint.filter((i) => i.severity === 'error')).toEqual([{ severity: 'error', path, message }]);
  });
});

type Expected = { path: string; message: string; /** the SQL text the finding marks */ at?: string };
type WarningRow = [rule: string, pipe: Pipe, expected: Expected[], options?: WarningOptions];

const p = (sql: string, fields: Partial<Pipe> = {}): Pipe => ({ name: 'p', sql, ...fields });
const onSql = (message: string, at: string): Expected => ({ path: 'sql', message, at });
const quoted = (name: string, at = `{{${name}}}`) => onSql(MESSAGES.quotedPlaceholder(name), at);
const writes = (verb: string, at = verb) => onSql(MESSAGES.writingStatement(verb.toUpperCase()), at);
const idParam = { parameters: [{ name: 'id', type: 'string' as const }] };

function expectWarnings(pipe: Pipe, expected: Expected[], options: WarningOptions = {}) {
  // The API's entry warnings: each message once.
  expect(pipeWarnings(pipe, undefined, options)).toEqual([...new Set(expected.map((e) => e.message))]);
  // The editor's lint: every occurrence, at its field, and in the SQL at the text it is about.
  const lint = lintForm(formFromPipe(pipe), options).filter((i) => i.severity === 'warning');
  expect(lint.map((i) => ({ path: i.path, message: i.message, ...(i.from === undefined ? {} : { at: pipe.sql.slice(i.from, i.to) }) }))).toEqual(
    expected,
  );
}

describe('warnings: saved, listed in the entry and in the editor', () => {
  it.each<WarningRow>([
    [
      'WaveHouse: a default on a required parameter never applies → warning',
      p('SELECT {{a}}', { parameters: [{ name: 'a', type: 'number', required: true, default: 1 }] }),
      [{ path: 'parameters.0.default', message: MESSAGES.requiredWithDefault('a') }],
    ],
    [
      'WaveHouse: admin always passes, so listing the admin role in allowed_roles → warning',
      p('SELECT 1', { allowed_roles: ['analyst', 'admin'] }),
      [{ path: 'allowed_roles.1', message: MESSAGES.adminRoleListed('admin') }],
    ],
    [
      'WaveHouse: admin always passes, whatever the admin role is called → warning for that name only',
      p('SELECT 1', { allowed_roles: ['admin', 'root'] }),
      [{ path: 'allowed_roles.1', message: MESSAGES.adminRoleListed('root') }],
      { adminRole: 'root' },
    ],
    ["WaveHouse: a quoted placeholder '{{id}}' is an injection trap → warning", p("SELECT * FROM d WHERE id = '{{id}}'", idParam), [quoted('id')]],
    ['WaveHouse: a quoted placeholder "{{id}}" is an injection trap → warning', p('SELECT * FROM d WHERE id = "{{id}}"', idParam), [quoted('id')]],
    ['WaveHouse: a placeholder quoted with backticks breaks the same way → warning', p('SELECT `{{id}}` FROM d', idParam), [quoted('id')]],
    [
      "WaveHouse: a placeholder inside a longer string ('%{{q}}%') is an injection trap → warning",
      p("SELECT * FROM d WHERE name LIKE '%{{q}}%'", { parameters: [{ name: 'q', type: 'string' }] }),
      [quoted('q')],
    ],
    [
      'WaveHouse: a quoted placeholder after strings with escaped quotes is still found → warning',
      p("SELECT 'it''s', 'a\\'b', '{{id}}'", idParam),
      [quoted('id')],
    ],
    [
      'WaveHouse: a quoted placeholder with an inline default → warning (both rules)',
      p("SELECT '{{who:}}'"),
      [onSql(MESSAGES.emptyInlineDefault('who'), '{{who:}}'), quoted('who', '{{who:}}')],
    ],
    [
      'WaveHouse: an empty inline default {{x:}} makes the parameter required → warning',
      p('SELECT {{x:}}, {{x:}}'),
      [onSql(MESSAGES.emptyInlineDefault('x'), '{{x:}}'), onSql(MESSAGES.emptyInlineDefault('x'), '{{x:}}')],
    ],
    [
      'WaveHouse: {{ name }} with spaces inside the braces is literal text, not a placeholder → warning',
      p('SELECT * FROM d WHERE id = {{ id }}'),
      [onSql(MESSAGES.spacedPlaceholder('{{ id }}', 'id'), '{{ id }}')],
    ],
    [
      'WaveHouse: {{name }} or {{ name:default}} with a space on one side is literal text too → warning',
      p('SELECT {{id }}, {{\n\tn:5}}'),
      [onSql(MESSAGES.spacedPlaceholder('{{id }}', 'id'), '{{id }}'), onSql(MESSAGES.spacedPlaceholder('{{ n:5}}', 'n'), '{{\n\tn:5}}')],
    ],
    ...[...WRITE_VERBS].map((verb): WarningRow => [
      `WaveHouse: a statement starting with ${verb} writes, runs on every call, never cached → warning`,
      p(`${verb} something`),
      [writes(verb)],
    ]),
    ['WaveHouse: a writing verb in lower case writes all the same → warning', p('delete from t where 1'), [writes('delete')]],
    [
      'WaveHouse: a writing verb after leading comments and whitespace → warning',
      p('-- tidy up\n# old rows\n/* nested /* comment */ still */\n  TRUNCATE TABLE t'),
      [writes('TRUNCATE')],
    ],
    [
      'WaveHouse: a writing verb after a WITH … AS (…) prelude → warning',
      p('WITH old AS (SELECT id FROM t WHERE ts < now() - 1), n AS (SELECT 1)\nINSERT INTO archive SELECT * FROM old'),
      [writes('INSERT')],
    ],
    [
      'WaveHouse: a writing verb after WITH expression AS alias items → warning',
      p('WITH CAST(1 AS UInt8) AS one, (SELECT max(ts) FROM t) AS latest ALTER TABLE t DELETE WHERE ts < latest'),
      [writes('ALTER')],
    ],
    ['WaveHouse: a writing statement after a reading one → warning', p('SELECT 1; DROP TABLE t;'), [writes('DROP')]],
    ['WaveHouse: SET before a query writes a setting → warning', p('SET max_threads = 1; SELECT {{n:1}}'), [writes('SET')]],
  ])('%s', (_rule, pipe, expected, options) => {
    expectWarnings(pipe, expected, options);
  });

  it.each<[string, Pipe, WarningOptions?]>([
    ['WaveHouse: admin always passes, but other roles are listed as they are → no warning', p('SELECT 1', { allowed_roles: ['analyst', 'Admin'] })],
    [
      'WaveHouse: admin always passes; with another admin role, "admin" is an ordinary role → no warning',
      p('SELECT 1', { allowed_roles: ['admin'] }),
      { adminRole: 'root' },
    ],
    ["WaveHouse: a quoted placeholder is an injection trap; one beside quoted text is not → no warning", p("SELECT 'a' || {{id}} || 'b'", idParam)],
    ['WaveHouse: a quoted placeholder is an injection trap; one in a comment is not → no warning', p("SELECT {{id}} -- not '{{id}}'", idParam)],
    [
      "WaveHouse: a quoted placeholder is an injection trap; a quote inside an inline default opens no string → no warning",
      p("SELECT {{who:O'Brien}}, {{id}}, {{who:x'}}", idParam),
    ],
    ['WaveHouse: an empty inline default makes it required; a non-empty one does not → no warning', p('SELECT {{x:0}}, {{y:a b}}')],
    ['WaveHouse: no spaces inside the braces; spaces in an inline default are its text → no warning', p('SELECT {{x: 5}}')],
    ['WaveHouse: no spaces inside the braces; in a comment it is prose → no warning', p('SELECT 1 -- call it as {{ id }}\n/* or {{ id }} */')],
    ['WaveHouse: a statement that writes warns; a SELECT does not → no warning', p('SELECT * FROM t WHERE x IN (SELECT x FROM u) SETTINGS max_threads = 1')],
    ['WaveHouse: a statement that writes warns; a writing word in a comment or string does not → no warning', p("-- DELETE later\nSELECT 'DROP TABLE t'")],
    ['WaveHouse: a statement that writes warns; a word that only starts like a verb does not → no warning', p('SETTINGS_TABLE; INSERTED')],
    [
      'WaveHouse: a statement that writes warns; verbs as WITH names and aliases do not → no warning',
      p('WITH system AS (SELECT 1), now() AS set SELECT * FROM system, set'),
    ],
    ['WaveHouse: a statement that writes warns; a leading placeholder is not known to → no warning', p('{{stmt:SELECT 1}} FROM t')],
    ['WaveHouse: a statement that writes warns; an empty statement after ; is nothing → no warning', p('SELECT 1;\n;  -- end')],
  ])('%s', (_rule, pipe, options) => {
    expectWarnings(pipe, [], options);
  });

  it('WaveHouse: the admin role defaults to "admin" → warning without options', () => {
    expect(pipeFindings(p('SELECT 1', { allowed_roles: ['admin'] }))).toEqual([{ path: 'allowed_roles.0', message: MESSAGES.adminRoleListed('admin') }]);
  });

  it('lists each warning message once in the entry, in the order the SQL has them', () => {
    const pipe = p("DELETE FROM t WHERE a = '{{a}}' OR b = {{ b }} OR a = '{{a}}'", { parameters: [{ name: 'a', type: 'string' }] });
    expect(pipeWarnings(pipe)).toEqual([
      MESSAGES.writingStatement('DELETE'),
      MESSAGES.quotedPlaceholder('a'),
      MESSAGES.spacedPlaceholder('{{ b }}', 'b'),
    ]);
  });
});

describe('preview: what a call would need', () => {
  const pipe = p('SELECT {{a:1}}', {
    parameters: [
      { name: 'a', type: 'number' },
      { name: 'tenant', type: 'string', required: true },
    ],
  });

  it.each<[string, Pipe, Record<string, unknown>, ReturnType<typeof bindSql>]>([
    [
      'WaveHouse: a required parameter the SQL does not use must still be supplied → "missing required parameter"',
      pipe,
      {},
      { ok: false, error: 'missing required parameter "tenant"' },
    ],
    ['WaveHouse: a required parameter the SQL does not use, supplied → bound', pipe, { tenant: 't1' }, { ok: true, sql: 'SELECT 1' }],
    ['WaveHouse: a required parameter supplied as null is supplied → bound', pipe, { tenant: null }, { ok: true, sql: 'SELECT 1' }],
    [
      'WaveHouse: a required parameter must be supplied; its default does not stand in → "missing required parameter"',
      p('SELECT {{a}}', { parameters: [{ name: 'a', type: 'number', required: true, default: 5 }] }),
      {},
      { ok: false, error: 'missing required parameter "a"' },
    ],
    [
      'WaveHouse: a required parameter must be supplied; an inline default does not stand in → "missing required parameter"',
      p('SELECT {{a:5}}', { parameters: [{ name: 'a', type: 'number', required: true }] }),
      {},
      { ok: false, error: 'missing required parameter "a"' },
    ],
    [
      'WaveHouse: every missing required parameter is named once, used ones first → "missing required parameter"',
      p('SELECT {{b}}, {{b}}', {
        parameters: [
          { name: 'c', type: '', required: true },
          { name: 'b', type: '', required: true },
        ],
      }),
      {},
      { ok: false, error: 'missing required parameter "b"; missing required parameter "c"' },
    ],
  ])('%s', (_rule, pipe, supplied, result) => {
    expect(bindSql(pipe, supplied)).toEqual(result);
  });

  it.each<[string, Record<string, string>, ReturnType<typeof previewSql>]>([
    ['WaveHouse: a required parameter the SQL does not use must be supplied → the preview says so', {}, { ok: false, error: 'missing required parameter "tenant"' }],
    ['WaveHouse: a required parameter the SQL does not use, given a sample → the preview binds', { tenant: 't1' }, { ok: true, sql: 'SELECT 1' }],
  ])('%s', (_rule, samples, result) => {
    expect(previewSql(formFromPipe(pipe), samples)).toEqual(result);
  });
});

describe('checkRoles: roles of pipe files against the roles.json beside them', () => {
  it.each<[string, string[] | undefined, string[] | undefined, FieldIssue[]]>([
    [
      'WaveHouse files: a role not declared in roles.json → error',
      ['analyst', 'anlyst'],
      ['analyst', 'support'],
      [{ path: 'allowed_roles.1', message: 'role "anlyst" is not declared in roles.json' }],
    ],
    ['WaveHouse files: every role declared in roles.json → no error', ['support', 'analyst'], ['analyst', 'support'], []],
    ['WaveHouse files: without a roles.json nothing is checked → no error', ['anything'], undefined, []],
    ['WaveHouse files: a pipe without allowed_roles → no error', undefined, [], []],
    [
      'WaveHouse files: roles.json is matched exactly, case included → error',
      ['Analyst'],
      ['analyst'],
      [{ path: 'allowed_roles.0', message: 'role "Analyst" is not declared in roles.json' }],
    ],
    ['WaveHouse files: an empty role is the schema\'s error, not reported twice → no error', [''], ['analyst'], []],
  ])('%s', (_rule, roles, declared, issues) => {
    expect(checkRoles(roles === undefined ? {} : { allowed_roles: roles }, declared)).toEqual(issues);
  });
});
