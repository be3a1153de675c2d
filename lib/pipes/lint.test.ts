import { describe, expect, it } from 'vitest';
import { emptyForm, type ParamRow, type PipeForm } from './form';
import { lintForm, previewSql, type LintIssue } from './lint';

function row(name: string, fields: Partial<ParamRow> = {}): ParamRow {
  return { id: `row-${name}`, name, type: '', required: false, defaultText: '', extra: {}, ...fields };
}

function form(sql: string, params: ParamRow[] = []): PipeForm {
  return { ...emptyForm(), name: 'p', sql, params };
}

describe('lintForm', () => {
  it('finds nothing in a consistent form', () => {
    const f = form('SELECT {{a}} {{b:24}}', [row('a', { defaultText: '1' })]);
    expect(lintForm(f)).toEqual([]);
  });

  it('marks every occurrence of an undeclared placeholder, with its range in the SQL', () => {
    const sql = 'SELECT {{x}}, {{x:1}}, {{x}}';
    const issues = lintForm(form(sql));
    expect(issues).toEqual([
      { severity: 'warning', path: 'sql', message: 'placeholder {{x}} is not declared and has no inline default', from: 7, to: 12 },
      { severity: 'warning', path: 'sql', message: 'placeholder {{x}} is not declared and has no inline default', from: 23, to: 28 },
    ]);
    for (const issue of issues) expect(sql.slice(issue.from, issue.to)).toBe('{{x}}');
  });

  it.each<[string, PipeForm, Omit<LintIssue, 'message'>[]]>([
    ['blank SQL', form('  \n'), [{ severity: 'error', path: 'sql' }]],
    ['a declared parameter the SQL never uses', form('SELECT 1', [row('a')]), [{ severity: 'warning', path: 'parameters.0.name' }]],
    [
      'duplicate parameter names (the later one)',
      form('{{a}}', [row('a'), row('a')]),
      [{ severity: 'error', path: 'parameters.1.name' }],
    ],
    ['an empty parameter name', form('SELECT 1', [row('')]), [{ severity: 'error', path: 'parameters.0.name' }]],
    ['a parameter name with a space', form('SELECT 1', [row('a b')]), [{ severity: 'error', path: 'parameters.0.name' }]],
    ['a non-ASCII parameter name, which WaveHouse\'s \\w does not match', form('SELECT 1', [row('é')]), [{ severity: 'error', path: 'parameters.0.name' }]],
    [
      'a default on a required parameter',
      form('{{a}}', [row('a', { required: true, defaultText: 'false' })]),
      [{ severity: 'warning', path: 'parameters.0.default' }],
    ],
    [
      'a default that is not JSON',
      form('{{a}}', [row('a', { defaultText: 'abc' })]),
      [{ severity: 'error', path: 'parameters.0.default' }],
    ],
  ])('flags %s', (_what, f, expected) => {
    expect(lintForm(f).map(({ message: _m, ...rest }) => rest)).toEqual(expected);
  });

  it('does not call a required parameter with null default "defaulted" (null is no default)', () => {
    expect(lintForm(form('{{a}}', [row('a', { required: true, defaultText: 'null' })]))).toEqual([]);
  });

  it('flags each merge conflict marker line left in the SQL as an error with its range', () => {
    const sql = ['SELECT a', '<<<<<<< mine', 'FROM t1', '=======', 'FROM t2', '>>>>>>> theirs (revision 7)'].join('\n');
    const issues = lintForm(form(sql));
    expect(issues.map((i) => [i.severity, sql.slice(i.from, i.to)])).toEqual([
      ['error', '<<<<<<< mine'],
      ['error', '>>>>>>> theirs (revision 7)'],
    ]);
  });

  it('does not take a >>>>>>> inside a line or a ======= comment for a marker', () => {
    expect(lintForm(form('SELECT 1 -- a >>>>>>> b\n=======\n-- <<<<<<<<'))).toEqual([]);
  });

  it('lists SQL issues in the order they appear, then parameter issues', () => {
    const f = form('{{x}}\n<<<<<<< mine\n{{y}}', [row('a')]);
    expect(lintForm(f).map((i) => [i.path, i.from])).toEqual([
      ['sql', 0],
      ['sql', 6],
      ['sql', 19],
      ['parameters.0.name', undefined],
    ]);
  });
});

describe('previewSql', () => {
  const f = form('SELECT {{a}}, {{b:24}}, {{c}}', [row('a', { defaultText: '10' }), row('c')]);

  it.each<[string, Record<string, string>, string]>([
    ['defaults when no sample is given', { c: '1' }, 'SELECT 10, 24, 1'],
    ['empty samples as not supplied', { a: '', b: '', c: '2' }, 'SELECT 10, 24, 2'],
    ['JSON samples as their value', { a: '"x"', b: '[1,2]', c: 'true' }, "SELECT 'x', (1, 2), 1"],
    ['text that is not JSON as a string', { a: "it's", c: 'abc' }, "SELECT 'it''s', 24, 'abc'"],
    ['null as NULL', { c: 'null' }, 'SELECT 10, 24, NULL'],
    ['a zip code with leading zeros as a quoted string', { c: '007' }, "SELECT 10, 24, '007'"],
  ])('renders %s', (_what, samples, sql) => {
    expect(previewSql(f, samples)).toEqual({ ok: true, sql });
  });

  it('says which parameter is missing', () => {
    expect(previewSql(f, {})).toEqual({ ok: false, error: 'missing required parameter "c"' });
  });

  it('reports a value SQL cannot express', () => {
    expect(previewSql(f, { c: '{"k":1}' })).toMatchObject({ ok: false, error: expect.stringContaining('parameter "c"') });
  });

  it('leaves out a default that is not JSON (lint reports it)', () => {
    const bad = form('SELECT {{a}}', [row('a', { defaultText: 'abc' })]);
    expect(previewSql(bad, {})).toEqual({ ok: false, error: 'missing required parameter "a"' });
  });
});
