import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizePipe, parseStoredPipe, serializePipe, validatePipeInput, type Pipe } from './schema';

const fixtureLines = readFileSync(new URL('./fixtures/wavehouse-pipes.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

function parsed(text: string): Pipe {
  const result = parseStoredPipe(text);
  if (!result.ok) throw new Error(`expected a valid pipe, got: ${result.message}`);
  return result.value;
}

describe('WaveHouse wire format round trip', () => {
  it('has fixtures to check', () => {
    expect(fixtureLines.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtureLines.map((line) => [JSON.parse(line).name as string, line]))(
    'fixture %s serializes back byte for byte',
    (_name, line) => {
      expect(serializePipe(parsed(line))).toBe(line);
    },
  );

  it('keeps unknown top-level fields (resolved_tables) in the parsed value', () => {
    const line = fixtureLines.find((l) => l.includes('resolved_tables'));
    expect(parsed(line!).resolved_tables).toEqual(['signals']);
  });

  it('keeps unknown fields of pipes and parameters, in their original order, after the known ones', () => {
    const text =
      '{"zeta":1,"name":"p","parameters":[{"x_hint":"h","name":"a","type":"string","alpha":[1]}],"sql":"SELECT {{a}}","alpha":{"b":2,"a":1}}';
    expect(serializePipe(parsed(text))).toBe(
      '{"name":"p","sql":"SELECT {{a}}","parameters":[{"name":"a","type":"string","x_hint":"h","alpha":[1]}],"zeta":1,"alpha":{"b":2,"a":1}}',
    );
  });

  it('round-trips a SQL with a < b && c > d, written raw as the WaveHouse fixtures are', () => {
    const pipe: Pipe = { name: 'cmp', sql: 'SELECT * FROM t WHERE a < b && c > d' };
    const text = serializePipe(pipe);
    expect(text).toBe('{"name":"cmp","sql":"SELECT * FROM t WHERE a < b && c > d"}');
    expect(parsed(text)).toEqual(pipe);
    expect(serializePipe(parsed(text))).toBe(text);
  });

  it('escapes < > & as Go json.Marshal does when asked, and still round-trips', () => {
    const pipe: Pipe = { name: 'cmp', sql: 'SELECT * FROM t WHERE a < b && c > d' };
    const text = serializePipe(pipe, { escapeHTML: true });
    expect(text).toBe('{"name":"cmp","sql":"SELECT * FROM t WHERE a \\u003c b \\u0026\\u0026 c \\u003e d"}');
    expect(parsed(text)).toEqual(pipe);
  });

  it('reads HTML-escaped text from other Go writers as the same value', () => {
    expect(parsed('{"name":"n","sql":"a \\u003e b"}').sql).toBe('a > b');
  });

  it('always escapes U+2028/U+2029, and control characters like Go', () => {
    const text = serializePipe({ name: 'ls', sql: 'SELECT 1\u2028\u2029\n\t"\\\u0001' });
    expect(text).toBe('{"name":"ls","sql":"SELECT 1\\u2028\\u2029\\n\\t\\"\\\\\\u0001"}');
  });

  it('writes fields in Go struct order whatever order the object has', () => {
    const pipe = { allowed_roles: ['a'], description: 'd', sql: 's', name: 'n' } as Pipe;
    expect(serializePipe(pipe)).toBe('{"name":"n","sql":"s","description":"d","allowed_roles":["a"]}');
  });

  it('omits empty parameters, description and allowed_roles', () => {
    expect(serializePipe({ name: 'n', sql: 's', parameters: [], description: '', allowed_roles: [] })).toBe(
      '{"name":"n","sql":"s"}',
    );
  });

  it('writes type "" when the input had no type', () => {
    const pipe = parsed('{"name":"n","sql":"{{a}}","parameters":[{"name":"a"}]}');
    expect(pipe.parameters?.[0]?.type).toBe('');
    expect(serializePipe(pipe)).toBe('{"name":"n","sql":"{{a}}","parameters":[{"name":"a","type":""}]}');
  });

  it.each([
    ['required:false is omitted', '{"name":"a","type":"","required":false}', '{"name":"a","type":""}'],
    ['required:true is written', '{"name":"a","type":"","required":true}', '{"name":"a","type":"","required":true}'],
    ['default false is kept', '{"name":"a","type":"boolean","default":false}', '{"name":"a","type":"boolean","default":false}'],
    ['default 0 is kept', '{"name":"a","type":"number","default":0}', '{"name":"a","type":"number","default":0}'],
    ['default "" is kept', '{"name":"a","type":"string","default":""}', '{"name":"a","type":"string","default":""}'],
    ['default null is omitted', '{"name":"a","type":"","default":null}', '{"name":"a","type":""}'],
    ['null type becomes ""', '{"name":"a","type":null}', '{"name":"a","type":""}'],
    ['default object is written compact', '{"name":"a","type":"","default":{ "k" : [1, 2] }}', '{"name":"a","type":"","default":{"k":[1,2]}}'],
    ['-0 stays -0 as in Go', '{"name":"a","type":"","default":-0}', '{"name":"a","type":"","default":-0}'],
    ['large numbers match Go float64', '{"name":"a","type":"","default":1e21}', '{"name":"a","type":"","default":1e+21}'],
    ['small numbers match Go float64', '{"name":"a","type":"","default":0.0000001}', '{"name":"a","type":"","default":1e-7}'],
  ])('parameter: %s', (_what, paramIn, paramOut) => {
    const pipe = parsed(`{"name":"n","sql":"{{a}}","parameters":[${paramIn}]}`);
    expect(serializePipe(pipe)).toBe(`{"name":"n","sql":"{{a}}","parameters":[${paramOut}]}`);
  });

  it('treats null optional fields as absent, like Go', () => {
    const pipe = parsed('{"name":"n","sql":"s","parameters":null,"description":null,"allowed_roles":null}');
    expect(serializePipe(pipe)).toBe('{"name":"n","sql":"s"}');
  });

  it('normalizePipe gives the value as it reads back after a save', () => {
    const pipe = parsed('{"x":1,"name":"n","sql":"s","description":"","parameters":[{"name":"a","required":false}]}');
    expect(normalizePipe(pipe)).toEqual({ name: 'n', sql: 's', parameters: [{ name: 'a', type: '' }], x: 1 });
  });
});

describe('parseStoredPipe rejects bad values with a one-line message', () => {
  it.each([
    ['bad JSON', '{"name":', /^invalid JSON: /],
    ['empty text', '', /^invalid JSON: /],
    ['JSON array', '[1,2]', /^value must be a JSON object, got an array$/],
    ['JSON string', '"SELECT 1"', /^value must be a JSON object, got a string$/],
    ['JSON null', 'null', /^value must be a JSON object, got null$/],
    ['blank SQL', '{"name":"n","sql":"  \\n "}', /^sql: must not be blank$/],
    ['missing SQL', '{"name":"n"}', /^sql: is required$/],
    ['SQL not a string', '{"name":"n","sql":1}', /^sql: must be a string$/],
    ['missing name', '{"sql":"s"}', /^name: is required$/],
    ['empty name', '{"name":"","sql":"s"}', /^name: must not be empty$/],
    ['bad parameter name', '{"name":"n","sql":"s","parameters":[{"name":"a-b"}]}', /^parameters\.0\.name: must contain only letters, digits and _$/],
    ['bad parameter type', '{"name":"n","sql":"s","parameters":[{"name":"a","type":"date"}]}', /^parameters\.0\.type: must be one of "", "string"/],
    ['required not a boolean', '{"name":"n","sql":"s","parameters":[{"name":"a","required":"yes"}]}', /^parameters\.0\.required: must be true or false$/],
    ['allowed_roles not strings', '{"name":"n","sql":"s","allowed_roles":[1]}', /^allowed_roles\.0: must be a string$/],
    [
      'duplicate parameter names',
      '{"name":"n","sql":"s","parameters":[{"name":"a"},{"name":"b"},{"name":"a"}]}',
      /^parameters\.2\.name: duplicate parameter name "a"$/,
    ],
    ['several problems', '{"name":"","sql":" "}', /^name: must not be empty; sql: must not be blank$/],
  ])('%s', (_what, text, message) => {
    const result = parseStoredPipe(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(message);
      expect(result.message).not.toMatch(/[\n\r]/);
    }
  });

  it('never puts raw newlines from the bad text into the message', () => {
    const result = parseStoredPipe('{\n"a"\n:\nx}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('validatePipeInput', () => {
  it('takes the name from the key, so a body without name is fine', () => {
    const result = validatePipeInput({ sql: 'SELECT 1' }, 'from_key');
    expect(result).toEqual({ ok: true, value: { name: 'from_key', sql: 'SELECT 1' } });
  });

  it('lets the key win over a different name in the body', () => {
    const result = validatePipeInput({ name: 'other', sql: 'SELECT 1' }, 'from_key');
    expect(result.ok && result.value.name).toBe('from_key');
  });

  it('keeps unknown fields of the body', () => {
    const result = validatePipeInput({ sql: 'SELECT 1', resolved_tables: ['t'] }, 'k');
    expect(result.ok && result.value.resolved_tables).toEqual(['t']);
  });

  it('reports every issue with a dotted path', () => {
    const result = validatePipeInput(
      { sql: ' ', parameters: [{ name: 'a' }, { name: 'b', type: 'nope' }, { name: 'a' }] },
      'k',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toEqual(['sql', 'parameters.1.type', 'parameters.2.name']);
      expect(result.issues[0]?.message).toBe('must not be blank');
    }
  });

  it.each([
    ['an array', [1]],
    ['a string', 'SELECT 1'],
    ['null', null],
  ])('rejects a body that is %s', (_what, body) => {
    const result = validatePipeInput(body, 'k');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: '', message: expect.stringMatching(/^body must be a JSON object/) }]);
  });
});
