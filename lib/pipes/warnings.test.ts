import { describe, expect, it } from 'vitest';
import type { Pipe } from './schema';
import { pipeWarnings } from './warnings';

describe('pipeWarnings', () => {
  it('finds nothing wrong with a consistent pipe', () => {
    const pipe: Pipe = {
      name: 'top_events',
      sql: 'SELECT * FROM e WHERE ts > now() - INTERVAL {{hours:24}} HOUR LIMIT {{limit}}',
      parameters: [{ name: 'limit', type: 'number', default: 10 }],
    };
    expect(pipeWarnings(pipe, 'top_events')).toEqual([]);
  });

  it.each<[string, Pipe, string | undefined, string[]]>([
    [
      'an undeclared placeholder without inline default, once however often it repeats',
      { name: 'p', sql: '{{x}} {{x}}' },
      undefined,
      ['placeholder {{x}} is not declared and has no inline default'],
    ],
    [
      'an undeclared placeholder used once without its inline default',
      { name: 'p', sql: '{{x:1}} {{x}}' },
      undefined,
      ['placeholder {{x}} is not declared and has no inline default'],
    ],
    [
      'a declared parameter the SQL never uses',
      { name: 'p', sql: 'SELECT 1', parameters: [{ name: 'unused', type: '' }] },
      undefined,
      ['parameter "unused" is declared but not used in the SQL'],
    ],
    [
      'a default on a required parameter',
      { name: 'p', sql: '{{a}}', parameters: [{ name: 'a', type: 'number', required: true, default: 1 }] },
      undefined,
      ['parameter "a" is required but also has a default'],
    ],
    [
      'a false default on a required parameter (false is a default)',
      { name: 'p', sql: '{{a}}', parameters: [{ name: 'a', type: 'boolean', required: true, default: false }] },
      undefined,
      ['parameter "a" is required but also has a default'],
    ],
    ['a name that differs from the key', { name: 'p', sql: 'SELECT 1' }, 'q', ['name "p" differs from key "q"']],
  ])('warns about %s', (_what, pipe, key, warnings) => {
    expect(pipeWarnings(pipe, key)).toEqual(warnings);
  });

  it.each<[string, Pipe]>([
    ['an undeclared placeholder with an inline default', { name: 'p', sql: '{{hours:24}}' }],
    ['a declared placeholder', { name: 'p', sql: '{{a}}', parameters: [{ name: 'a', type: '' }] }],
    ['a required parameter without default', { name: 'p', sql: '{{a}}', parameters: [{ name: 'a', type: '', required: true }] }],
    ['an optional parameter with a default', { name: 'p', sql: '{{a}}', parameters: [{ name: 'a', type: '', default: 1 }] }],
  ])('does not warn about %s', (_what, pipe) => {
    expect(pipeWarnings(pipe)).toEqual([]);
  });

  it('does not compare name and key when no key is given', () => {
    expect(pipeWarnings({ name: 'p', sql: 'SELECT 1' })).toEqual([]);
  });

  it('reports several findings together', () => {
    const pipe: Pipe = {
      name: 'p',
      sql: '{{x}} {{a}}',
      parameters: [
        { name: 'a', type: '', required: true, default: 'd' },
        { name: 'b', type: '' },
      ],
    };
    expect(pipeWarnings(pipe, 'k')).toEqual([
      'name "p" differs from key "k"',
      'placeholder {{x}} is not declared and has no inline default',
      'parameter "a" is required but also has a default',
      'parameter "b" is declared but not used in the SQL',
    ]);
  });
});
