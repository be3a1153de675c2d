import { describe, expect, it } from 'vitest';
import { diffPipes, lineDiff, wordDiff } from './diff';
import type { Pipe } from './schema';

const base: Pipe = {
  name: 'top',
  sql: 'SELECT event\nFROM events\nLIMIT {{limit}}',
  parameters: [
    { name: 'limit', type: 'number', default: 10 },
    { name: 'hours', type: 'number' },
  ],
  description: 'Top events',
  allowed_roles: ['analyst'],
  resolved_tables: ['events'],
};

describe('diffPipes', () => {
  it('is empty for equal pipes, also when one spells "nothing" differently', () => {
    expect(diffPipes(base, structuredClone(base))).toEqual([]);
    expect(diffPipes({ name: 'n', sql: 's' }, { name: 'n', sql: 's', description: '', parameters: [], allowed_roles: [] })).toEqual([]);
    expect(diffPipes(null, null)).toEqual([]);
  });

  it('diffs the SQL line by line', () => {
    const after = { ...base, sql: 'SELECT event\nFROM signals\nLIMIT {{limit}}' };
    expect(diffPipes(base, after)).toEqual([
      {
        field: 'sql',
        kind: 'changed',
        before: base.sql,
        after: after.sql,
        lines: [
          { op: 'same', text: 'SELECT event' },
          { op: 'del', text: 'FROM events' },
          { op: 'add', text: 'FROM signals' },
          { op: 'same', text: 'LIMIT {{limit}}' },
        ],
      },
    ]);
  });

  it.each<[string, Partial<Pipe>, { field: string; kind: string; before?: string; after?: string }]>([
    ['a changed description', { description: 'Top N' }, { field: 'description', kind: 'changed', before: 'Top events', after: 'Top N' }],
    ['a removed description', { description: '' }, { field: 'description', kind: 'removed', before: 'Top events' }],
    ['changed roles, as JSON', { allowed_roles: ['a', 'b'] }, { field: 'allowed_roles', kind: 'changed', before: '["analyst"]', after: '["a","b"]' }],
    ['a changed unknown field', { resolved_tables: ['signals'] }, { field: 'resolved_tables', kind: 'changed', before: '["events"]', after: '["signals"]' }],
    ['an added unknown field', { x_owner: 'ops' }, { field: 'x_owner', kind: 'added', after: 'ops' }],
    ['a removed unknown field', { resolved_tables: undefined }, { field: 'resolved_tables', kind: 'removed', before: '["events"]' }],
    ['a changed name', { name: 'top2' }, { field: 'name', kind: 'changed', before: 'top', after: 'top2' }],
  ])('reports %s', (_what, change, expected) => {
    expect(diffPipes(base, { ...base, ...change })).toEqual([expected]);
  });

  it('adds a line diff to multi-line text other than the SQL', () => {
    const [change] = diffPipes(base, { ...base, description: 'Top events\nper hour' });
    expect(change?.lines).toEqual([
      { op: 'same', text: 'Top events' },
      { op: 'add', text: 'per hour' },
    ]);
  });

  it('reports parameters by name: changed, added, removed', () => {
    const after: Pipe = {
      ...base,
      parameters: [
        { name: 'limit', type: 'number', default: 20 },
        { name: 'device', type: 'string', required: true },
      ],
    };
    expect(diffPipes(base, after)).toEqual([
      {
        field: 'parameters.limit',
        kind: 'changed',
        before: '{"name":"limit","type":"number","default":10}',
        after: '{"name":"limit","type":"number","default":20}',
      },
      { field: 'parameters.device', kind: 'added', after: '{"name":"device","type":"string","required":true}' },
      { field: 'parameters.hours', kind: 'removed', before: '{"name":"hours","type":"number"}' },
    ]);
  });

  it('reports a reordering of parameters, which no per-parameter change shows', () => {
    const after = { ...base, parameters: [...(base.parameters ?? [])].reverse() };
    expect(diffPipes(base, after)).toEqual([
      { field: 'parameters', kind: 'changed', before: '["limit","hours"]', after: '["hours","limit"]' },
    ]);
  });

  it('lists fields in a stable order: name, sql, description, parameters, allowed_roles, unknown (in after\'s order)', () => {
    const after: Pipe = {
      z_new: 1,
      allowed_roles: ['x'],
      parameters: [{ name: 'limit', type: 'number' }],
      description: 'd',
      sql: 'SELECT 1',
      name: 'other',
      resolved_tables: [],
    };
    expect(diffPipes(base, after).map((c) => c.field)).toEqual([
      'name',
      'sql',
      'description',
      'parameters.limit',
      'parameters.hours',
      'allowed_roles',
      'z_new',
      'resolved_tables',
    ]);
  });

  it('shows a new pipe as every field added, with the SQL as added lines', () => {
    const changes = diffPipes(null, { name: 'n', sql: 'SELECT 1\nFROM t', description: 'd' });
    expect(changes.map((c) => [c.field, c.kind, c.after])).toEqual([
      ['name', 'added', 'n'],
      ['sql', 'added', 'SELECT 1\nFROM t'],
      ['description', 'added', 'd'],
    ]);
    expect(changes[1]?.lines).toEqual([
      { op: 'add', text: 'SELECT 1' },
      { op: 'add', text: 'FROM t' },
    ]);
  });

  it('shows a deleted pipe as every field removed', () => {
    expect(diffPipes(base, null).map((c) => [c.field, c.kind])).toEqual([
      ['name', 'removed'],
      ['sql', 'removed'],
      ['description', 'removed'],
      ['parameters.limit', 'removed'],
      ['parameters.hours', 'removed'],
      ['allowed_roles', 'removed'],
      ['resolved_tables', 'removed'],
    ]);
  });
});

describe('lineDiff and wordDiff', () => {
  it('gives one entry per line, without line ends, CRLF included', () => {
    expect(lineDiff('a\r\nb\r\n', 'a\r\nc\r\n')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'add', text: 'c' },
    ]);
  });

  it('does not count a missing newline at the end as a change', () => {
    expect(lineDiff('a\nb', 'a\nb\n')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'same', text: 'b' },
    ]);
  });

  it('is empty for two empty texts', () => {
    expect(lineDiff('', '')).toEqual([]);
  });

  it('marks the words that differ within a line', () => {
    expect(wordDiff('FROM events e', 'FROM signals e')).toEqual([
      { op: 'same', text: 'FROM ' },
      { op: 'del', text: 'events' },
      { op: 'add', text: 'signals' },
      { op: 'same', text: ' e' },
    ]);
  });
});
