import { describe, expect, it } from 'vitest';
import { emptyForm, pipeFromForm, type ParamRow, type PipeForm } from './form';
import { CREATABLE_NAME_RULE } from './names';
import type { FieldIssue } from './schema';
import { validateForSave } from './validate-for-save';

const row = (name: string, fields: Partial<ParamRow> = {}): ParamRow => ({ id: `row-${name}`, name, type: '', required: false, defaultText: '', extra: {}, ...fields });
const form = (fields: Partial<PipeForm> = {}): PipeForm => ({ ...emptyForm(), name: 'p', sql: 'SELECT 1', ...fields });
const nameMessage = `Name: ${CREATABLE_NAME_RULE}.`;
const markers = 'SELECT\n<<<<<<< mine\na\n=======\nb\n>>>>>>> theirs (revision 4)';
const markerMessage = 'unresolved merge conflict: keep the lines you want and delete the <<<<<<<, ======= and >>>>>>> lines';

describe('validateForSave', () => {
  it.each<[string, PipeForm, boolean, FieldIssue[]]>([
    ['a consistent form of an existing pipe may be saved', form(), false, []],
    ['a consistent new pipe with a creatable name may be saved', form({ name: 'top_events-2' }), true, []],
    ['lint warnings alone do not block a save', form({ sql: 'SELECT {{x}}', params: [row('unused')] }), false, []],
    [
      'unresolved merge markers block a save although the form parses',
      form({ sql: markers }),
      false,
      [{ path: 'sql', message: markerMessage }],
    ],
    ['a new pipe needs a creatable name even when it is a legal key', form({ name: 'team.reports' }), true, [{ path: 'name', message: nameMessage }]],
    ['an existing pipe keeps its key as name, creatable or not', form({ name: 'team.reports' }), false, []],
    [
      'the API rules come first, then lint errors, then the name rule',
      form({ name: 'a b', sql: '  ' }),
      true,
      [
        { path: 'sql', message: 'must not be blank' },
        { path: 'sql', message: 'SQL must not be blank' },
        { path: 'name', message: nameMessage },
      ],
    ],
    [
      'a problem both the API rules and lint know is reported once',
      form({ params: [row('d', { defaultText: '{' })] }),
      false,
      [{ path: 'parameters.0.default', message: 'default must be JSON, e.g. 10, "text", true, [1,2]' }],
    ],
  ])('%s', (_claim, f, isNew, issues) => {
    const check = validateForSave(f, { isNew });
    expect(check.ok ? [] : check.issues).toEqual(issues);
    expect(check.ok).toBe(issues.length === 0);
  });

  it('hands over the pipe pipeFromForm makes, so a save writes exactly that', () => {
    const f = form({ sql: 'SELECT {{n}}', description: 'd', params: [row('n', { type: 'number', defaultText: '7' })], extra: { resolved_tables: ['t'] } });
    const check = validateForSave(f, { isNew: false });
    const parsed = pipeFromForm(f);
    expect(check.ok && parsed.ok && check.pipe).toEqual(parsed.ok && parsed.pipe);
  });

  it('still hands over the parsed pipe when only lint errors block, and none when it does not parse', () => {
    expect(validateForSave(form({ sql: markers }), { isNew: false }).pipe?.sql).toBe(markers);
    expect(validateForSave(form({ sql: '' }), { isNew: false }).pipe).toBeUndefined();
  });

  it('returns every lint finding, warnings included, for the editor to mark', () => {
    const { lint } = validateForSave(form({ sql: 'SELECT {{x}}' }), { isNew: false });
    expect(lint).toEqual([{ severity: 'warning', path: 'sql', message: 'placeholder {{x}} is not declared and has no inline default', from: 7, to: 12 }]);
  });
});
