import { describe, expect, test } from 'vitest';
import { formatPath, lineColumn, MAX_SCAN_DEPTH, scanJson } from './strict-json.mjs';

describe('scanJson reads what JSON.parse reads', () => {
  test.each([
    ['an object with every kind of value', '{"a": 1, "b": [true, false, null], "c": {"d": "e"}, "f": -1.5e3}'],
    ['escapes, a surrogate pair and an escaped slash', '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"'],
    ['whitespace of all four kinds around values', ' \t\r\n[ 1 ,\n2 ] \n'],
    ['a key "__proto__" as plain data', '{"__proto__": {"polluted": true}}'],
    ['numbers at the edges', '[0, -0, 1e308, 5e-324, 0.1, 123456789012345678901234567890]'],
  ])('%s', (_what, text) => {
    const result = scanJson(text);
    expect(result).toEqual({ ok: true, value: JSON.parse(text), duplicates: [] });
  });

  test('a "__proto__" key does not set the prototype of the object read', () => {
    const result = scanJson('{"__proto__": {"polluted": true}}');
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(result.ok && Object.keys(result.value as object)).toEqual(['__proto__']);
  });
});

describe('scanJson refuses what WaveHouse refuses', () => {
  test.each([
    ['a byte-order mark', '\ufeff{}', 'byte-order mark', 1, 1],
    ['an empty text', '', 'is empty', 1, 1],
    ['whitespace only', ' \n\t', 'is empty', 1, 1],
    ['trailing data after the value', '{"pipes": []}\n{"pipes": []}', 'trailing data after the JSON value: "{"', 2, 1],
    ['a trailing comma', '{"a": 1,}', 'expected a key in double quotes, found "}"', 1, 9],
    ['a single-quoted string', "{'a': 1}", 'expected a key in double quotes', 1, 2],
    ['a raw newline in a string', '"a\nb"', 'U+000A must be escaped', 1, 3],
    ['an unknown escape', '"\\x"', 'invalid escape "\\x"', 1, 2],
    ['a short \\u escape', '"\\u12"', 'invalid \\u escape', 1, 2],
    ['a lone high surrogate', '"\\ud800x"', 'lone surrogate \\ud800', 1, 2],
    ['a lone low surrogate', '"\\udc00"', 'lone surrogate \\udc00', 1, 2],
    ['an unterminated string', '{"a": "b', 'unterminated string', 1, 7],
    ['a leading zero', '01', 'trailing data after the JSON value: "1"', 1, 2],
    ['a number too large for a double', '1e400', 'number 1e400 is too large', 1, 1],
    ['NaN', 'NaN', 'expected a JSON value, found "N"', 1, 1],
    ['a missing value at the end', '{"a":', 'expected a JSON value, found the end of the file', 1, 6],
  ])('%s', (_what, text, message, line, column) => {
    const result = scanJson(text);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ line, column });
    expect(!result.ok && result.message).toContain(message);
  });

  test(`nesting deeper than ${MAX_SCAN_DEPTH} levels is refused, not a stack overflow`, () => {
    const result = scanJson('['.repeat(MAX_SCAN_DEPTH + 1) + ']'.repeat(MAX_SCAN_DEPTH + 1));
    expect(!result.ok && result.message).toBe(`nested deeper than ${MAX_SCAN_DEPTH} levels`);
  });

  test(`nesting of exactly ${MAX_SCAN_DEPTH} levels is read`, () => {
    expect(scanJson('['.repeat(MAX_SCAN_DEPTH) + ']'.repeat(MAX_SCAN_DEPTH)).ok).toBe(true);
  });
});

describe('duplicate keys', () => {
  test('every duplicate at any level is reported with its object path and the position of the second key', () => {
    const text =
      '{"pipes": [\n  {"name": "a", "sql": "x", "sql": "y"},\n  {"name": "b", "parameters": [{"name": "p", "name": "q"}]}\n], "pipes": []}';
    const result = scanJson(text);
    expect(result.ok && result.duplicates).toEqual([
      { path: ['pipes', 0], key: 'sql', line: 2, column: 29 },
      { path: ['pipes', 1, 'parameters', 0], key: 'name', line: 3, column: 46 },
      { path: [], key: 'pipes', line: 4, column: 4 },
    ]);
  });

  test('the value keeps the first of two equal keys (JSON.parse would keep the last)', () => {
    const result = scanJson('{"sql": "first", "sql": "second"}');
    expect(result.ok && result.value).toEqual({ sql: 'first' });
  });

  test('keys that differ only by an escape are the same key', () => {
    const result = scanJson('{"sql": 1, "s\\u0071l": 2}');
    expect(result.ok && result.duplicates.map((d) => d.key)).toEqual(['sql']);
  });
});

test('lineColumn counts lines from 1 and columns from 1 within the line', () => {
  expect(lineColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
  expect(lineColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
  expect(lineColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
});

test('formatPath writes paths as a reader finds them', () => {
  expect(formatPath(['pipes', 3, 'parameters', 0, 'name'])).toBe('pipes[3].parameters[0].name');
  expect(formatPath(['odd key', 1])).toBe('["odd key"][1]');
  expect(formatPath([])).toBe('');
});
