import { describe, expect, it } from 'vitest';
import { lintForm } from './lint';
import { formFromPipe } from './form';
import { ABSENT, mergePipes } from './merge';
import type { ParamDef, Pipe } from './schema';

const base: Pipe = {
  name: 'top',
  sql: 'SELECT event\nFROM events\nWHERE ts > {{since}}\nLIMIT {{limit}}',
  parameters: [
    { name: 'since', type: 'string', required: true },
    { name: 'limit', type: 'number', default: 10 },
  ],
  description: 'Top events',
  allowed_roles: ['analyst', 'support'],
  resolved_tables: ['events'],
};

const sqlLines = (...lines: string[]) => lines.join('\n');
const withParams = (...parameters: ParamDef[]): Pipe => ({ ...base, parameters });
const [since, limit] = base.parameters as [ParamDef, ParamDef];

describe('mergePipes: whole sides', () => {
  const mine: Pipe = { ...base, description: 'Mine' };
  const theirs: Pipe = { ...base, description: 'Theirs', resolved_tables: ['signals'] };

  it('takes theirs entirely when I changed nothing', () => {
    expect(mergePipes(base, structuredClone(base), theirs)).toEqual({ merged: theirs, conflicts: [] });
  });

  it('keeps mine entirely when they changed nothing', () => {
    expect(mergePipes(base, mine, structuredClone(base))).toEqual({ merged: mine, conflicts: [] });
  });

  it('takes an identical change on both sides once, without conflict', () => {
    expect(mergePipes(base, mine, structuredClone(mine))).toEqual({ merged: mine, conflicts: [] });
  });
});

describe('mergePipes: sql', () => {
  it('merges non-overlapping line edits cleanly (line 1 by me, line 3 by them)', () => {
    const mine = { ...base, sql: sqlLines('SELECT event, count()', 'FROM events', 'WHERE ts > {{since}}', 'LIMIT {{limit}}') };
    const theirs = { ...base, sql: sqlLines('SELECT event', 'FROM events', 'WHERE ts >= {{since}}', 'LIMIT {{limit}}') };
    const { merged, conflicts } = mergePipes(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.sql).toBe(sqlLines('SELECT event, count()', 'FROM events', 'WHERE ts >= {{since}}', 'LIMIT {{limit}}'));
  });

  it('writes overlapping edits with git-style markers and reports a conflict on sql', () => {
    const mine = { ...base, sql: base.sql.replace('FROM events', 'FROM events_v2') };
    const theirs = { ...base, sql: base.sql.replace('FROM events', 'FROM signals') };
    const { merged, conflicts } = mergePipes(base, mine, theirs, 'theirs (revision 7)');
    expect(merged.sql).toBe(
      sqlLines(
        'SELECT event',
        '<<<<<<< mine',
        'FROM events_v2',
        '=======',
        'FROM signals',
        '>>>>>>> theirs (revision 7)',
        'WHERE ts > {{since}}',
        'LIMIT {{limit}}',
      ),
    );
    expect(conflicts).toEqual([{ field: 'sql', mine: mine.sql, theirs: theirs.sql }]);
  });

  it('labels the marker "theirs" when no label is given, and lint flags the markers until resolved', () => {
    const mine = { ...base, sql: 'SELECT 1' };
    const theirs = { ...base, sql: 'SELECT 2' };
    const { merged } = mergePipes(base, mine, theirs);
    expect(merged.sql.split('\n').at(-1)).toBe('>>>>>>> theirs');
    expect(lintForm(formFromPipe(merged)).filter((i) => i.severity === 'error')).toHaveLength(2);
  });

  it('keeps a trailing newline', () => {
    const withEol = { ...base, sql: 'A\nB\nC\n' };
    const { merged } = mergePipes(withEol, { ...withEol, sql: 'a\nB\nC\n' }, { ...withEol, sql: 'A\nB\nc\n' });
    expect(merged.sql).toBe('a\nB\nc\n');
  });
});

describe('mergePipes: parameters, by name', () => {
  const device: ParamDef = { name: 'device', type: 'string' };
  const hours: ParamDef = { name: 'hours', type: 'number', default: 24 };

  it.each<[string, Pipe, Pipe, ParamDef[]]>([
    ['added by me', withParams(since, limit, device), base, [since, limit, device]],
    ['added by them', base, withParams(since, limit, device), [since, limit, device]],
    ['added on both sides: mine first, then theirs', withParams(since, limit, device), withParams(since, limit, hours), [since, limit, device, hours]],
    ['removed by me, unchanged by them', withParams(limit), base, [limit]],
    ['removed by them, unchanged by me', base, withParams(since), [since]],
    ['changed by me', withParams(since, { ...limit, default: 20 }), base, [since, { ...limit, default: 20 }]],
    ['changed by them', base, withParams({ name: 'since', type: 'string', default: '1h' }), [{ name: 'since', type: 'string', default: '1h' }]],
    ['changed the same way on both', withParams(since, { ...limit, default: 5 }), withParams(since, { ...limit, default: 5 }), [since, { ...limit, default: 5 }]],
    ['reordered by them while I changed one: their order, my change', withParams(since, { ...limit, default: 5 }), withParams(limit, since), [{ ...limit, default: 5 }, since]],
    ['reordered by me: my order, their addition last', withParams(limit, since), withParams(since, limit, device), [limit, since, device]],
  ])('%s', (_what, mine, theirs, expected) => {
    // Something else differs on both sides so the whole-side shortcuts do not apply.
    const { merged, conflicts } = mergePipes(base, { ...mine, x_mine: 1 }, { ...theirs, x_theirs: 1 });
    expect(conflicts).toEqual([]);
    expect(merged.parameters ?? []).toEqual(expected);
  });

  it("follows their order when I did not touch the list's order", () => {
    const { merged } = mergePipes(base, { ...base, description: 'mine' }, withParams(limit, since, device));
    expect(merged.parameters?.map((p) => p.name)).toEqual(['limit', 'since', 'device']);
  });

  it('reports a parameter changed differently on both sides, keeping mine', () => {
    const mine = withParams(since, { ...limit, default: 20 });
    const theirs = withParams(since, { ...limit, default: 50 });
    const { merged, conflicts } = mergePipes(base, mine, theirs);
    expect(merged.parameters?.[1]).toEqual({ ...limit, default: 20 });
    expect(conflicts).toEqual([
      {
        field: 'parameters.limit',
        mine: '{"name":"limit","type":"number","default":20}',
        theirs: '{"name":"limit","type":"number","default":50}',
      },
    ]);
  });

  it('reports a parameter removed by me and changed by them, keeping mine (removed)', () => {
    const { merged, conflicts } = mergePipes(base, withParams(since), withParams(since, { ...limit, default: 50 }));
    expect(merged.parameters).toEqual([since]);
    expect(conflicts).toEqual([{ field: 'parameters.limit', mine: ABSENT, theirs: '{"name":"limit","type":"number","default":50}' }]);
  });
});

describe('mergePipes: scalar, role and unknown fields', () => {
  it('reports a description changed differently on both sides, keeping mine', () => {
    const { merged, conflicts } = mergePipes(base, { ...base, description: 'Mine' }, { ...base, description: 'Theirs' });
    expect(merged.description).toBe('Mine');
    expect(conflicts).toEqual([{ field: 'description', mine: 'Mine', theirs: 'Theirs' }]);
  });

  it('merges independent changes to different fields', () => {
    const mine = { ...base, description: 'Mine' };
    const theirs = { ...base, resolved_tables: ['signals'], allowed_roles: ['analyst', 'support', 'ops'] };
    expect(mergePipes(base, mine, theirs)).toEqual({
      merged: { ...base, description: 'Mine', resolved_tables: ['signals'], allowed_roles: ['analyst', 'support', 'ops'] },
      conflicts: [],
    });
  });

  it('merges allowed_roles as a set: additions and removals from both sides', () => {
    const mine = { ...base, allowed_roles: ['analyst', 'ops'] }; // -support +ops
    const theirs = { ...base, allowed_roles: ['support', 'admin'] }; // -analyst +admin
    const { merged, conflicts } = mergePipes(base, mine, theirs);
    expect(merged.allowed_roles).toEqual(['ops', 'admin']);
    expect(conflicts).toEqual([]);
  });

  it('does not open a pipe to every role when each side removed a different one', () => {
    const mine = { ...base, allowed_roles: ['analyst'] };
    const theirs = { ...base, allowed_roles: ['support'] };
    const { merged, conflicts } = mergePipes(base, mine, theirs);
    expect(merged.allowed_roles).toEqual(['analyst']);
    expect(conflicts).toEqual([{ field: 'allowed_roles', mine: '["analyst"]', theirs: '["support"]' }]);
  });

  it.each<[string, Partial<Pipe>, Partial<Pipe>, unknown, boolean]>([
    ['changed by them', { description: 'x' }, { resolved_tables: ['t2'] }, ['t2'], false],
    ['removed by me', { resolved_tables: undefined }, { description: 'y' }, undefined, false],
    ['changed differently (keeps mine)', { resolved_tables: ['a'] }, { resolved_tables: ['b'] }, ['a'], true],
  ])('merges an unknown field %s', (_what, mineChange, theirsChange, value, conflict) => {
    const { merged, conflicts } = mergePipes(base, { ...base, ...mineChange }, { ...base, ...theirsChange });
    expect(merged.resolved_tables).toEqual(value);
    expect(conflicts.some((c) => c.field === 'resolved_tables')).toBe(conflict);
  });

  it('keeps an unknown field added by them, after mine', () => {
    const { merged } = mergePipes(base, { ...base, x_a: 1 }, { ...base, x_b: 2 });
    expect(Object.keys(merged)).toEqual(['name', 'sql', 'parameters', 'description', 'allowed_roles', 'resolved_tables', 'x_a', 'x_b']);
  });

  it('treats an empty description as no description', () => {
    const { merged, conflicts } = mergePipes(base, { ...base, description: '' }, { ...base, x: 1 });
    expect(conflicts).toEqual([]);
    expect(merged).not.toHaveProperty('description');
  });
});
