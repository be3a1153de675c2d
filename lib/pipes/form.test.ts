import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addParam,
  emptyForm,
  formFromPipe,
  formsEqual,
  moveParam,
  pipeFromForm,
  removeParam,
  updateParam,
  type PipeForm,
} from './form';
import { parseStoredPipe, serializePipe, type Pipe } from './schema';

const fixtureLines = readFileSync(new URL('./fixtures/wavehouse-pipes.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

function parsed(text: string): Pipe {
  const result = parseStoredPipe(text);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function savedPipe(form: PipeForm): Pipe {
  const result = pipeFromForm(form);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.pipe;
}

function issuesOf(form: PipeForm) {
  const result = pipeFromForm(form);
  return result.ok ? [] : result.issues;
}

const sample: Pipe = {
  name: 'top_events',
  sql: 'SELECT {{limit}} {{on}}',
  parameters: [
    { name: 'limit', type: 'number', default: 10, x_hint: 'rows' },
    { name: 'on', type: 'boolean', required: true },
  ],
  description: 'Most frequent events',
  allowed_roles: ['analyst'],
  resolved_tables: ['events'],
  zeta: { b: 1 },
};

describe('form round trip', () => {
  it.each(fixtureLines.map((line) => [JSON.parse(line).name as string, line]))(
    'fixture %s comes back byte for byte through the form',
    (_name, line) => {
      expect(serializePipe(savedPipe(formFromPipe(parsed(line))))).toBe(line);
    },
  );

  it('keeps unknown top-level and parameter fields, in their order', () => {
    const text =
      '{"zeta":1,"name":"p","parameters":[{"x_hint":"h","name":"a","type":"string","alpha":[1]}],"sql":"SELECT {{a}}","alpha":{"b":2}}';
    expect(serializePipe(savedPipe(formFromPipe(parsed(text))))).toBe(
      '{"name":"p","sql":"SELECT {{a}}","parameters":[{"name":"a","type":"string","x_hint":"h","alpha":[1]}],"zeta":1,"alpha":{"b":2}}',
    );
  });

  it('keeps a -0 default as -0, like Go', () => {
    const line = '{"name":"n","sql":"{{a}}","parameters":[{"name":"a","type":"","default":-0}]}';
    expect(serializePipe(savedPipe(formFromPipe(parsed(line))))).toBe(line);
  });
});

describe('formFromPipe', () => {
  it('shows defaults as JSON text, absent ones as empty text, and unknown fields in extra', () => {
    const form = formFromPipe(sample);
    expect(form).toMatchObject({
      name: 'top_events',
      description: 'Most frequent events',
      allowedRoles: ['analyst'],
      extra: { resolved_tables: ['events'], zeta: { b: 1 } },
    });
    expect(Object.keys(form.extra)).toEqual(['resolved_tables', 'zeta']);
    expect(form.params.map(({ id: _id, ...row }) => row)).toEqual([
      { name: 'limit', type: 'number', required: false, defaultText: '10', extra: { x_hint: 'rows' } },
      { name: 'on', type: 'boolean', required: true, defaultText: '', extra: {} },
    ]);
  });

  it('gives every row its own id', () => {
    const ids = [...formFromPipe(sample).params, ...formFromPipe(sample).params].map((row) => row.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('starts a new pipe from an empty form', () => {
    expect(emptyForm()).toEqual({ name: '', sql: '', description: '', allowedRoles: [], params: [], extra: {} });
  });
});

describe('pipeFromForm', () => {
  const base = () => formFromPipe({ name: 'p', sql: 'SELECT {{a}}', parameters: [{ name: 'a', type: '' }] });
  const withDefault = (defaultText: string) => {
    const form = base();
    return updateParam(form, form.params[0]!.id, { defaultText });
  };

  it.each<[string, string, unknown]>([
    ['a number', '10', 10],
    ['a string', '"text"', 'text'],
    ['false (a default, not "no default")', 'false', false],
    ['an array, spaces and all', ' [1, 2] ', [1, 2]],
    ['empty text as no default', '', undefined],
    ['blank text as no default', '  ', undefined],
    ['null as no default, as WaveHouse omits it', 'null', undefined],
  ])('reads a default given as %s', (_what, text, value) => {
    expect(savedPipe(withDefault(text)).parameters?.[0]?.default).toEqual(value);
  });

  it('rejects a default that is not JSON, at its path', () => {
    const form = addParam(formFromPipe({ name: 'p', sql: 'SELECT {{a}} {{b}}', parameters: [{ name: 'a', type: '' }] }));
    const row = form.params[1]!;
    expect(issuesOf(updateParam(form, row.id, { name: 'b', defaultText: 'abc' }))).toEqual([
      { path: 'parameters.1.default', message: 'default must be JSON, e.g. 10, "text", true, [1,2]' },
    ]);
  });

  it.each<[string, Partial<PipeForm>, string[]]>([
    ['blank SQL', { sql: ' \n ' }, ['sql']],
    ['an empty name', { name: '' }, ['name']],
    [
      'a duplicate and an invalid parameter name',
      {
        params: ['a', 'a', 'b c'].map((name, i) => ({ id: `r${i}`, name, type: '', required: false, defaultText: '', extra: {} })),
      },
      ['parameters.2.name', 'parameters.1.name'],
    ],
  ])('reports %s with the API path', (_what, change, paths) => {
    expect(issuesOf({ ...base(), ...change }).map((i) => i.path).sort()).toEqual([...paths].sort());
  });

  it('reports every problem at once, a bad default included', () => {
    const form = { ...withDefault('{oops'), sql: '' };
    expect(issuesOf(form).map((i) => i.path)).toEqual(['sql', 'parameters.0.default']);
  });

  it('omits an empty description, no roles and no parameters, and ignores blank role entries', () => {
    const form: PipeForm = { ...emptyForm(), name: 'n', sql: 'SELECT 1', allowedRoles: ['', ' '] };
    expect(savedPipe(form)).toEqual({ name: 'n', sql: 'SELECT 1' });
  });

  it('writes required only when true', () => {
    const form = base();
    const required = updateParam(form, form.params[0]!.id, { required: true });
    expect(savedPipe(form).parameters?.[0]).toEqual({ name: 'a', type: '' });
    expect(savedPipe(required).parameters?.[0]).toEqual({ name: 'a', type: '', required: true });
  });

  it('lets the inputs win over an extra field of the same name', () => {
    const form: PipeForm = { ...emptyForm(), name: 'n', sql: 'SELECT 1', extra: { sql: 'DROP TABLE x', other: 1 } };
    expect(savedPipe(form)).toEqual({ name: 'n', sql: 'SELECT 1', other: 1 });
  });
});

describe('formsEqual', () => {
  const form = formFromPipe(sample);
  const first = form.params[0]!.id;

  it.each<[string, PipeForm]>([
    ['the same pipe read twice (different row ids)', formFromPipe(sample)],
    ['a default written with other spacing', updateParam(form, first, { defaultText: ' 10 ' })],
    ['an extra blank role entry', { ...form, allowedRoles: ['analyst', ''] }],
    ['extra fields in another key order', { ...form, extra: { zeta: { b: 1 }, resolved_tables: ['events'] } }],
  ])('sees no edit in %s', (_what, other) => {
    expect(formsEqual(form, other)).toBe(true);
  });

  it.each<[string, PipeForm]>([
    ['a changed SQL', { ...form, sql: form.sql + ' ' }],
    ['a changed description', { ...form, description: 'x' }],
    ['a changed default', updateParam(form, first, { defaultText: '11' })],
    ['a default that does not parse yet', updateParam(form, first, { defaultText: '1,' })],
    ['a new blank parameter row', addParam(form)],
    ['parameters in another order', moveParam(form, first, 1)],
    ['a changed unknown parameter field', updateParam(form, first, { extra: { x_hint: 'other' } })],
    ['a removed extra field', { ...form, extra: { zeta: { b: 1 } } }],
    ['another role', { ...form, allowedRoles: ['support'] }],
  ])('sees an edit in %s', (_what, other) => {
    expect(formsEqual(form, other)).toBe(false);
  });
});

describe('parameter table helpers', () => {
  const form = formFromPipe({
    name: 'p',
    sql: 's',
    parameters: ['a', 'b', 'c'].map((name) => ({ name, type: '' as const })),
  });
  const names = (f: PipeForm) => f.params.map((row) => row.name);
  const idOf = (name: string) => form.params.find((row) => row.name === name)!.id;

  it('adds a blank row at the end with a fresh id', () => {
    const added = addParam(form);
    expect(names(added)).toEqual(['a', 'b', 'c', '']);
    expect(added.params[3]).toMatchObject({ type: '', required: false, defaultText: '', extra: {} });
    expect(form.params.map((row) => row.id)).not.toContain(added.params[3]!.id);
  });

  it('removes a row by id', () => {
    expect(names(removeParam(form, idOf('b')))).toEqual(['a', 'c']);
  });

  it.each<[string, number, string[]]>([
    ['a', 1, ['b', 'a', 'c']],
    ['c', -2, ['c', 'a', 'b']],
    ['b', 5, ['a', 'c', 'b']],
    ['b', -5, ['b', 'a', 'c']],
  ])('moves %s by %i', (name, delta, expected) => {
    expect(names(moveParam(form, idOf(name), delta))).toEqual(expected);
  });

  it('returns the same form when a move changes nothing', () => {
    expect(moveParam(form, idOf('a'), -1)).toBe(form);
    expect(moveParam(form, 'no-such-id', 1)).toBe(form);
  });

  it('updates one row and leaves the input untouched', () => {
    const before = structuredClone(form);
    const updated = updateParam(form, idOf('b'), { name: 'bee', required: true });
    expect(updated.params[1]).toMatchObject({ id: idOf('b'), name: 'bee', required: true });
    expect(updated.params[0]).toBe(form.params[0]);
    expect(form).toEqual(before);
  });
});
