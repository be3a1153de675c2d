import { describe, expect, it } from 'vitest';
import type { Pipe } from './schema';
import { PLACEHOLDER, TemplateError, bindSql, extractPlaceholders, isNumericLiteral, renderSqlValue } from './template';

describe('extractPlaceholders', () => {
  it('finds every occurrence in order, with inline defaults and offsets', () => {
    const sql = 'SELECT {{a}}, {{b:24}}, {{a}}, {{c:}} FROM t';
    const found = extractPlaceholders(sql);
    expect(found).toEqual([
      { name: 'a', start: 7, end: 12 },
      { name: 'b', inlineDefault: '24', start: 14, end: 22 },
      { name: 'a', start: 24, end: 29 },
      { name: 'c', inlineDefault: '', start: 31, end: 37 },
    ]);
    for (const ph of found) expect(sql.slice(ph.start, ph.end)).toMatch(/^\{\{.*\}\}$/);
  });

  it.each([
    ['spaces inside braces', '{{ a }}'],
    ['a hyphenated name', '{{a-b}}'],
    ['single braces', '{a}'],
    ['an empty name', '{{}}'],
  ])('ignores %s, as WaveHouse does', (_what, sql) => {
    expect(extractPlaceholders(sql)).toEqual([]);
  });

  it('allows any text but } in the inline default', () => {
    expect(extractPlaceholders("{{d:it's a b:c}}")[0]?.inlineDefault).toBe("it's a b:c");
  });

  it('leaves the shared PLACEHOLDER regex untouched', () => {
    extractPlaceholders('{{a}} {{b}}');
    expect(PLACEHOLDER.lastIndex).toBe(0);
  });
});

describe('renderSqlValue', () => {
  it.each<[string, unknown, string]>([
    ['a plain string quoted', 'abc', "'abc'"],
    ['a quote doubled', "O'Brien", "'O''Brien'"],
    ['a backslash doubled', 'a\\b', "'a\\\\b'"],
    ['an injection attempt kept inside the literal', "x' OR '1'='1", "'x'' OR ''1''=''1'"],
    ['a backslash before a quote', "\\'", "'\\\\'''"],
    ['an empty string', '', "''"],
    ['an integer string bare', '42', '42'],
    ['a negative decimal string bare', '-1.5', '-1.5'],
    ['an exponent string bare', '1e3', '1e3'],
    ['a huge integer string bare and unrounded', '12345678901234567890', '12345678901234567890'],
    ['a zero string bare', '0', '0'],
    ['a leading-zero code quoted', '007', "'007'"],
    ['a leading plus quoted', '+1', "'+1'"],
    ['a bare fraction quoted', '.5', "'.5'"],
    ['a trailing dot quoted', '1.', "'1.'"],
    ['hex quoted', '0x1F', "'0x1F'"],
    ['Infinity quoted', 'Infinity', "'Infinity'"],
    ['NaN quoted', 'NaN', "'NaN'"],
    ['an overflowing exponent quoted', '1e999', "'1e999'"],
    ['padded digits quoted', ' 42', "' 42'"],
    ['a whole number as an integer', 42, '42'],
    ['a whole float without .0', 10.0, '10'],
    ['negative zero as 0', -0, '0'],
    ['a large whole number without exponent', 1e21, '1000000000000000000000'],
    ['a fraction in shortest form', 0.1, '0.1'],
    ['a tiny fraction in shortest form', 1e-7, '1e-7'],
    ['a bigint', 12345678901234567890n, '12345678901234567890'],
    ['true as 1', true, '1'],
    ['false as 0', false, '0'],
    ['null as NULL', null, 'NULL'],
    ['an array as a list', ['a', 1, true], "('a', 1, 1)"],
    ['a one-element array', [7], '(7)'],
    ['nested arrays as tuples', [[1, 'x'], [2, 'y']], "((1, 'x'), (2, 'y'))"],
    ['an array with null', [null, '5'], '(NULL, 5)'],
  ])('renders %s', (_what, value, sql) => {
    expect(renderSqlValue(value)).toBe(sql);
  });

  it.each<[string, unknown, RegExp]>([
    ['an object', { a: 1 }, /object/],
    ['an object inside an array', [1, { a: 1 }], /object/],
    ['an empty array', [], /empty array/],
    ['an empty nested array', [[1], []], /empty array/],
    ['NaN', Number.NaN, /NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /Infinity/],
    ['undefined', undefined, /undefined/],
    ['a function', () => 1, /function/],
  ])('rejects %s with a TemplateError', (_what, value, message) => {
    expect(() => renderSqlValue(value)).toThrow(TemplateError);
    expect(() => renderSqlValue(value)).toThrow(message);
  });

  it('gives TemplateError its own name for logs and instanceof mapping', () => {
    const err = new TemplateError('x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('TemplateError');
  });

  it.each(['42', '-0', '0.5', '-1.5e-3', '1E+10'])('isNumericLiteral(%j) is true', (s) => {
    expect(isNumericLiteral(s)).toBe(true);
  });
});

describe('bindSql', () => {
  const pipe: Pipe = {
    name: 'p',
    sql: 'SELECT * FROM t WHERE a = {{a:1}} AND b = {{b}}',
    parameters: [{ name: 'a', type: 'number', default: 2 }],
  };

  it.each<[string, Record<string, unknown>, string]>([
    ['a supplied value wins over both defaults', { a: 3, b: 'x' }, "SELECT * FROM t WHERE a = 3 AND b = 'x'"],
    ['a declared default wins over the inline default', { b: 'x' }, "SELECT * FROM t WHERE a = 2 AND b = 'x'"],
    ['a supplied null is a value', { a: null, b: 'x' }, "SELECT * FROM t WHERE a = NULL AND b = 'x'"],
    ['a supplied undefined counts as not supplied', { a: undefined, b: 'x' }, "SELECT * FROM t WHERE a = 2 AND b = 'x'"],
  ])('%s', (_what, supplied, sql) => {
    expect(bindSql(pipe, supplied)).toEqual({ ok: true, sql });
  });

  it('falls back to the inline default, rendered by the same rules (bare 24, quoted text)', () => {
    const p: Pipe = { name: 'p', sql: 'INTERVAL {{hours:24}} HOUR, {{who:bob}}' };
    expect(bindSql(p, {})).toEqual({ ok: true, sql: "INTERVAL 24 HOUR, 'bob'" });
  });

  it('renders an empty inline default as an empty string', () => {
    expect(bindSql({ name: 'p', sql: 'x = {{s:}}' }, {})).toEqual({ ok: true, sql: "x = ''" });
  });

  it('fails with "missing required parameter" when nothing resolves', () => {
    expect(bindSql(pipe, {})).toEqual({ ok: false, error: 'missing required parameter "b"' });
  });

  it('reports each missing parameter once, even when it repeats', () => {
    const p: Pipe = { name: 'p', sql: '{{x}} {{y}} {{x}}' };
    expect(bindSql(p, {})).toEqual({
      ok: false,
      error: 'missing required parameter "x"; missing required parameter "y"',
    });
  });

  it('names the parameter whose value cannot be rendered', () => {
    const result = bindSql(pipe, { b: [] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^parameter "b": an empty array/);
  });

  it('does not resolve names like "constructor" from Object.prototype', () => {
    expect(bindSql({ name: 'p', sql: '{{constructor}}' }, {})).toEqual({
      ok: false,
      error: 'missing required parameter "constructor"',
    });
  });

  it('binds every fixture-style placeholder, repeated ones included', () => {
    const p: Pipe = {
      name: 'signal_window',
      sql: 'SELECT ts FROM s WHERE device IN {{devices}} AND ts BETWEEN {{from}} AND {{to}} OR device IN {{devices}}',
      parameters: [
        { name: 'devices', type: 'array', required: true },
        { name: 'from', type: '', required: true },
        { name: 'to', type: '', required: true },
      ],
    };
    expect(bindSql(p, { devices: ['d1', 'd2'], from: '2024-01-01', to: 1700000000 })).toEqual({
      ok: true,
      sql: "SELECT ts FROM s WHERE device IN ('d1', 'd2') AND ts BETWEEN '2024-01-01' AND 1700000000 OR device IN ('d1', 'd2')",
    });
  });

  it('uses a false declared default (false is a value, not absence)', () => {
    const p: Pipe = { name: 'f', sql: 'enabled = {{on}}', parameters: [{ name: 'on', type: 'boolean', default: false }] };
    expect(bindSql(p, {})).toEqual({ ok: true, sql: 'enabled = 0' });
  });
});
