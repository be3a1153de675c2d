import { describe, expect, it } from 'vitest';
import { KNOWN_PIPE_FIELDS, displayValue, jsonEqual, orderedUnion, unknownFields } from './fields';

describe('jsonEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['equal scalars', 1, 1, true],
    ['different scalars', 1, '1', false],
    ['objects in another key order', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    ['a key holding undefined and a missing key', { a: 1, b: undefined }, { a: 1 }, true],
    ['arrays in another order', [1, 2], [2, 1], false],
    ['an array and an object with index keys', [1], { 0: 1 }, false],
    ['null and an empty object', null, {}, false],
    ['undefined and undefined', undefined, undefined, true],
  ])('%s: %s', (_what, a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
    expect(jsonEqual(b, a)).toBe(equal);
  });
});

describe('field helpers', () => {
  it('lists unknown fields in the object order, skipping undefined', () => {
    const pipe = { z: 1, name: 'n', sql: 's', a: undefined, resolved_tables: ['t'] };
    expect(unknownFields(pipe, KNOWN_PIPE_FIELDS)).toEqual([
      ['z', 1],
      ['resolved_tables', ['t']],
    ]);
  });

  it('shows strings verbatim and everything else as compact JSON', () => {
    expect([displayValue('a "b"'), displayValue(['x', 1]), displayValue({ k: null }), displayValue(undefined)]).toEqual([
      'a "b"',
      '["x",1]',
      '{"k":null}',
      '',
    ]);
  });

  it('unites name lists keeping the first one first', () => {
    expect(orderedUnion(['b', 'a'], ['a', 'c'], ['d', 'b'])).toEqual(['b', 'a', 'c', 'd']);
  });
});
