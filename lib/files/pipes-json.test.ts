import { describe, expect, test } from 'vitest';
import {
  decodePipesFile,
  decodeRolesFile,
  decodeSidecar,
  filePipeOf,
  formatFinding,
  serializePipesFile,
  serializeSidecar,
} from './pipes-json.mjs';

const bytes = (text: string) => new TextEncoder().encode(text);
const pipesFile = (pipes: unknown[]) => bytes(JSON.stringify({ pipes }));

describe('filePipeOf: a bucket value as pipes.json holds it', () => {
  test('keeps only the five known fields and the four known parameter fields', () => {
    const value = {
      name: 'top',
      sql: 'SELECT {{n}}',
      resolved_tables: ['events'],
      parameters: [{ name: 'n', type: 'number', required: true, default: 10, ui_hint: 'slider' }],
      description: 'd',
      allowed_roles: ['analyst'],
    };
    expect(filePipeOf('top', value)).toEqual({
      name: 'top',
      sql: 'SELECT {{n}}',
      parameters: [{ name: 'n', type: 'number', required: true, default: 10 }],
      description: 'd',
      allowed_roles: ['analyst'],
    });
  });

  test('leaves out what Go omits when empty, and writes a missing type as ""', () => {
    const value = { name: 'x', sql: 'S', parameters: [{ name: 'p', required: false, default: null }], description: '', allowed_roles: [] };
    expect(filePipeOf('x', value)).toEqual({ name: 'x', sql: 'S', parameters: [{ name: 'p', type: '' }] });
    expect(filePipeOf('x', { name: 'x', sql: 'S', parameters: [] })).toEqual({ name: 'x', sql: 'S' });
  });

  test('names the pipe after its key, whatever the value says', () => {
    expect(filePipeOf('the_key', { name: 'other', sql: 'S' }).name).toBe('the_key');
  });

  test('writes fields in Go struct order whatever order the value had', () => {
    const pipe = filePipeOf('x', { allowed_roles: ['r'], description: 'd', sql: 'S', name: 'x' });
    expect(Object.keys(pipe)).toEqual(['name', 'sql', 'description', 'allowed_roles']);
  });
});

describe('serializePipesFile', () => {
  test('sorts by name in code-unit order, two-space JSON, one final newline', () => {
    const text = serializePipesFile([
      { name: 'b', sql: 'B' },
      { name: 'B', sql: 'upper' },
      { name: 'a', sql: 'A' },
    ]);
    expect(text).toBe(
      '{\n  "pipes": [\n    {\n      "name": "B",\n      "sql": "upper"\n    },\n    {\n      "name": "a",\n      "sql": "A"\n    },\n    {\n      "name": "b",\n      "sql": "B"\n    }\n  ]\n}\n',
    );
  });

  test('the same pipes in another order give the same bytes', () => {
    const pipes = [
      { name: 'x', sql: 'X' },
      { name: 'y', sql: 'Y' },
    ];
    expect(serializePipesFile([...pipes].reverse())).toBe(serializePipesFile(pipes));
  });

  test('what it writes decodes back to the same pipes', () => {
    const pipes = [filePipeOf('p', { name: 'p', sql: 'S\n\t"q"', parameters: [{ name: 'a', type: 'array', default: [1, { k: 'v' }] }] })];
    expect(decodePipesFile(bytes(serializePipesFile(pipes)))).toEqual({ pipes, findings: [] });
  });
});

describe('decodePipesFile accepts', () => {
  test('a file with every field, normalised as Go would read it', () => {
    const file = pipesFile([
      {
        name: 'p',
        sql: 'SELECT 1',
        parameters: [{ name: 'a', type: 'string', required: false, default: null }, { name: 'b' }],
        description: '',
        allowed_roles: [],
      },
    ]);
    expect(decodePipesFile(file)).toEqual({
      pipes: [
        {
          name: 'p',
          sql: 'SELECT 1',
          parameters: [
            { name: 'a', type: 'string' },
            { name: 'b', type: '' },
          ],
        },
      ],
      findings: [],
    });
  });

  test('null in an optional field as absent, as Go does', () => {
    const file = pipesFile([{ name: 'p', sql: 'S', parameters: null, description: null, allowed_roles: null }]);
    expect(decodePipesFile(file).pipes).toEqual([{ name: 'p', sql: 'S' }]);
  });

  test('an empty list of pipes', () => {
    expect(decodePipesFile(bytes('{"pipes": []}'))).toEqual({ pipes: [], findings: [] });
  });

  test('a name the console would not create but that is a legal key (the plan decides)', () => {
    expect(decodePipesFile(pipesFile([{ name: 'team.reports/daily', sql: 'S' }])).findings).toEqual([]);
  });

  test('roles that roles.json declares', () => {
    const file = pipesFile([{ name: 'p', sql: 'S', allowed_roles: ['analyst'] }]);
    expect(decodePipesFile(file, { roles: ['admin', 'analyst'] }).findings).toEqual([]);
  });
});

describe('decodePipesFile refuses, naming file, pipe and reason', () => {
  const refusal = (text: string | Uint8Array, roles?: string[]) => {
    const result = decodePipesFile(typeof text === 'string' ? bytes(text) : text, { file: 'dir/pipes.json', roles });
    expect(result.pipes).toBeNull();
    return result.findings.map(formatFinding);
  };
  const onePipe = (pipe: Record<string, unknown>, roles?: string[]) => refusal(JSON.stringify({ pipes: [pipe] }), roles);

  test.each([
    [
      'a UTF-8 byte-order mark',
      new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"pipes": []}')]),
      'dir/pipes.json: starts with a byte-order mark (EF BB BF)',
    ],
    ['a UTF-16 byte-order mark', new Uint8Array([0xff, 0xfe, 0x7b, 0x00]), 'dir/pipes.json: starts with a UTF-16 byte-order mark'],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'dir/pipes.json: is not valid UTF-8'],
    ['an empty file', '', 'dir/pipes.json:1:1: is empty'],
    ['a top-level null', 'null', 'dir/pipes.json: the top level must be an object {"pipes": [...]}, got null'],
    ['a top-level array', '[]', 'dir/pipes.json: the top level must be an object {"pipes": [...]}, got an array'],
    ['trailing data', '{"pipes": []} x', 'dir/pipes.json:1:15: trailing data after the JSON value: "x"'],
    ['no "pipes"', '{}', 'dir/pipes.json: "pipes" is missing'],
    ['"pipes": null', '{"pipes": null}', 'dir/pipes.json: pipes: must be an array of pipes, got null'],
    [
      'an unknown top-level field',
      '{"pipes": [], "version": 2}',
      'dir/pipes.json: version: unknown field "version"; the top level has only pipes',
    ],
  ])('%s', (_what, text, expected) => {
    expect(refusal(text)[0]).toContain(expected);
  });

  test('a duplicate key inside a pipe, with the pipe, the path and the position', () => {
    expect(refusal('{"pipes": [\n{"name": "p", "sql": "A",\n "sql": "B"}]}')).toEqual([
      'dir/pipes.json:3:2: pipe "p": pipes[0].sql: duplicate key "sql"',
    ]);
  });

  test('a duplicate key at the top level', () => {
    expect(refusal('{"pipes": [], "pipes": []}')).toEqual(['dir/pipes.json:1:15: pipes: duplicate key "pipes"']);
  });

  test('a duplicate key in a parameter', () => {
    const text = '{"pipes": [{"name": "p", "sql": "S", "parameters": [{"name": "a", "type": "", "type": "string"}]}]}';
    expect(refusal(text)).toEqual(['dir/pipes.json:1:79: pipe "p": pipes[0].parameters[0].type: duplicate key "type"']);
  });

  test.each([
    [
      'an unknown pipe field',
      { name: 'p', sql: 'S', resolved_tables: [] },
      'pipe "p": pipes[0].resolved_tables: unknown field "resolved_tables"; a pipe has only name, sql, parameters, description, allowed_roles',
    ],
    ['a field in the wrong case', { name: 'p', SQL: 'S', sql: 'S' }, 'unknown field "SQL" (field names are case-sensitive: "sql")'],
    [
      'an unknown parameter field',
      { name: 'p', sql: 'S', parameters: [{ name: 'a', hint: 1 }] },
      'pipes[0].parameters[0].hint: unknown field "hint"; a parameter has only name, type, required, default',
    ],
    ['a missing name', { sql: 'S' }, 'dir/pipes.json: pipes[0].name: a pipe needs a name'],
    ['an empty name', { name: '', sql: 'S' }, 'pipes[0].name: a pipe needs a name'],
    ['a name that is not a string', { name: 7, sql: 'S' }, 'pipes[0].name: must be a string, got a number (7)'],
    ['a name NATS cannot hold', { name: 'a b', sql: 'S' }, 'pipe "a b": pipes[0].name: is not a legal NATS KV key'],
    ['a missing sql', { name: 'p' }, 'pipe "p": pipes[0].sql: is missing'],
    ['a null sql', { name: 'p', sql: null }, 'pipe "p": pipes[0].sql: is missing'],
    ['a blank sql', { name: 'p', sql: ' \n\t' }, 'pipe "p": pipes[0].sql: is blank'],
    ['an sql that is not a string', { name: 'p', sql: ['S'] }, 'pipes[0].sql: must be a string, got an array'],
    [
      'parameters that are not an array',
      { name: 'p', sql: 'S', parameters: {} },
      'pipes[0].parameters: must be an array of parameters, got an object',
    ],
    [
      'a parameter that is not an object',
      { name: 'p', sql: 'S', parameters: ['a'] },
      'pipes[0].parameters[0]: a parameter must be an object',
    ],
    [
      'an empty parameter name',
      { name: 'p', sql: 'S', parameters: [{ name: '' }] },
      'pipes[0].parameters[0].name: a parameter needs a name',
    ],
    [
      'a parameter without a name',
      { name: 'p', sql: 'S', parameters: [{ type: 'string' }] },
      'pipes[0].parameters[0].name: a parameter needs a name',
    ],
    [
      'a parameter name placeholders cannot spell',
      { name: 'p', sql: 'S', parameters: [{ name: 'a-b' }] },
      'parameters[0].name: "a-b" must contain only letters, digits and _',
    ],
    [
      'a duplicate parameter name',
      { name: 'p', sql: 'S', parameters: [{ name: 'a' }, { name: 'a' }] },
      'pipes[0].parameters[1].name: duplicate parameter name "a" (first at parameters[0])',
    ],
    [
      'a parameter type outside the five',
      { name: 'p', sql: 'S', parameters: [{ name: 'a', type: 'int' }] },
      'parameters[0].type: must be one of "", "string", "number", "boolean", "array", got a string ("int")',
    ],
    [
      'required that is not a boolean',
      { name: 'p', sql: 'S', parameters: [{ name: 'a', required: 'yes' }] },
      'parameters[0].required: must be true or false',
    ],
    ['a description that is not a string', { name: 'p', sql: 'S', description: 1 }, 'pipes[0].description: must be a string'],
    [
      'allowed_roles that is not an array',
      { name: 'p', sql: 'S', allowed_roles: 'admin' },
      'pipes[0].allowed_roles: must be an array of role names',
    ],
    [
      'an empty allowed_roles entry',
      { name: 'p', sql: 'S', allowed_roles: ['admin', ' '] },
      'pipe "p": pipes[0].allowed_roles[1]: is an empty role name',
    ],
    [
      'an allowed_roles entry that is not a string',
      { name: 'p', sql: 'S', allowed_roles: [1] },
      'pipes[0].allowed_roles[0]: must be a role name (a string)',
    ],
    [
      'a default nested deeper than a pipe may be',
      { name: 'p', sql: 'S', parameters: [{ name: 'a', default: JSON.parse('['.repeat(126) + ']'.repeat(126)) }] },
      'a default nests 126 levels deep',
    ],
  ])('%s', (_what, pipe, expected) => {
    expect(onePipe(pipe).join('\n')).toContain(expected);
  });

  test('a pipe that is not an object', () => {
    expect(refusal('{"pipes": [null]}')).toEqual(['dir/pipes.json: pipes[0]: a pipe must be an object, got null']);
  });

  test('a duplicate pipe name, naming where the first one is', () => {
    expect(
      refusal(
        JSON.stringify({
          pipes: [
            { name: 'p', sql: 'A' },
            { name: 'q', sql: 'B' },
            { name: 'p', sql: 'C' },
          ],
        }),
      ),
    ).toEqual(['dir/pipes.json: pipe "p": pipes[2].name: duplicate pipe name "p" (first at pipes[0])']);
  });

  test('a duplicate parameter name beside a parameter refused for another reason', () => {
    const findings = onePipe({ name: 'p', sql: 'S', parameters: [{ name: 'a', type: 'int' }, { name: 'a' }] });
    expect(findings).toEqual([
      expect.stringContaining('parameters[0].type: must be one of'),
      expect.stringContaining('parameters[1].name: duplicate parameter name "a" (first at parameters[0])'),
    ]);
  });

  test('a role roles.json does not declare', () => {
    expect(onePipe({ name: 'p', sql: 'S', allowed_roles: ['analyst', 'intern'] }, ['analyst'])).toEqual([
      'dir/pipes.json: pipe "p": pipes[0].allowed_roles[1]: role "intern" is not declared in roles.json',
    ]);
  });

  test('every problem of the file at once, not only the first', () => {
    const findings = refusal(
      JSON.stringify({
        pipes: [
          { name: 'a', sql: '' },
          { name: 'b', sql: 'S', extra: 1 },
        ],
      }),
    );
    expect(findings).toHaveLength(2);
  });
});

describe('roles.json', () => {
  test('is a JSON array of role names', () => {
    expect(decodeRolesFile(bytes('["admin", "analyst"]'))).toEqual({ roles: ['admin', 'analyst'], findings: [] });
  });

  test.each([
    ['an object with "roles"', '{"roles": ["admin"]}', 'must be a JSON array of role names'],
    ['an empty role', '["admin", ""]', '[1]: is an empty role name'],
    ['a role that is not a string', '[1]', '[0]: must be a role name'],
    ['a duplicate role', '["a", "a"]', '[1]: duplicate role "a"'],
    ['trailing data', '[] []', 'trailing data'],
  ])('refuses %s', (_what, text, expected) => {
    const result = decodeRolesFile(bytes(text));
    expect(result.roles).toBeNull();
    expect(result.findings.map(formatFinding).join('\n')).toContain(expected);
  });
});

describe('the sidecar', () => {
  test('is written sorted by name and reads back', () => {
    const text = serializeSidecar({ b: 2, a: 10 });
    expect(text).toBe('{\n  "revisions": {\n    "a": 10,\n    "b": 2\n  }\n}\n');
    expect(decodeSidecar(bytes(text))).toEqual({ sidecar: { revisions: { a: 10, b: 2 } }, findings: [] });
  });

  test.each([
    ['another shape', '{"a": 1}', 'must be {"revisions"'],
    ['a revision that is not a whole number', '{"revisions": {"a": 1.5}}', 'revisions.a: must be a revision'],
    ['a revision of 0', '{"revisions": {"a": 0}}', 'revisions.a: must be a revision'],
    ['a duplicate name', '{"revisions": {"a": 1, "a": 2}}', 'revisions.a: duplicate key "a"'],
  ])('refuses %s', (_what, text, expected) => {
    const result = decodeSidecar(bytes(text), '.pipes-export.json');
    expect(result.sidecar).toBeNull();
    expect(result.findings.map(formatFinding).join('\n')).toContain(expected);
  });
});
