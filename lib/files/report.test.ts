import { describe, expect, test } from 'vitest';
import { planImport } from './plan.mjs';
import { diffJson, planJson, renderDiff, renderPlan } from './report.mjs';
import type { BucketEntry } from './types.d.mts';

const entry = (key: string, revision: number, value: Record<string, unknown> | null, invalid?: string): BucketEntry => ({
  key,
  revision,
  value,
  ...(invalid ? { invalid: { message: invalid } } : {}),
});

const plan = planImport({
  format: 'pipes-json',
  pipes: [
    { name: 'new', sql: 'SELECT 1\n' },
    { name: 'same', sql: 'S' },
    { name: 'top', sql: 'SELECT 2\n', description: 'after' },
  ],
  listing: {
    revision: 9,
    pipes: [
      entry('old', 4, { name: 'old', sql: 'X\n' }),
      entry('same', 5, { name: 'same', sql: 'S' }),
      entry('top', 7, { name: 'top', sql: 'SELECT 1\n', description: 'before' }),
      entry('bad', 8, null, 'invalid JSON'),
    ],
  },
  sidecar: { revisions: { top: 7 } },
  prune: true,
});

describe('renderDiff', () => {
  test('lists pipes only in the files, only in the bucket and different, with field lines and the SQL diff', () => {
    expect(renderDiff(plan)).toBe(
      [
        'only in the files (1):',
        '  + new',
        '      --- /dev/null',
        '      +++ new (files)',
        '      @@ -0,0 +1,1 @@',
        '      +SELECT 1',
        'only in the bucket (1):',
        '  - old (r4)',
        'different (1):',
        '  ~ top (bucket r7)',
        '      description: "before" → "after"',
        '      --- top (bucket r7)',
        '      +++ top (files)',
        '      @@ -1,1 +1,1 @@',
        '      -SELECT 1',
        '      +SELECT 2',
        '3 differences; 1 pipe the same.',
        '',
      ].join('\n'),
    );
  });

  test('says when there is no difference', () => {
    expect(renderDiff({ ...plan, actions: [] })).toBe('No differences: 1 pipe the same.\n');
  });
});

describe('renderPlan', () => {
  test('a dry run: each action with its precondition and where its revision came from, then the unchanged and the ignored', () => {
    const text = renderPlan(plan, { dryRun: true });
    expect(text).toContain('Plan against bucket revision 9 (pipes.json):');
    expect(text).toContain('  would create new, If-None-Match: *\n');
    expect(text).toContain('  would update top, If-Match: "7" (the revision in .pipes-export.json)\n');
    expect(text).toContain('  would delete old, If-Match: "4" (the revision read now)\n');
    expect(text).toContain('  unchanged (1): same\n');
    expect(text).toContain('  left alone: bad (r8): invalid entry (invalid JSON): never exported, never pruned\n');
  });

  test('after a run: what was written, at which revision, and what was not', () => {
    const text = renderPlan(plan, { dryRun: false, done: [{ name: 'new', revision: 10 }] });
    expect(text).toContain('  created new → r10, If-None-Match: *\n');
    expect(text).toContain('  not updated top, If-Match: "7"');
  });
});

describe('JSON', () => {
  test('diff --json groups the same facts', () => {
    const doc = diffJson(plan);
    expect(doc).toMatchObject({ same: false, revision: 9, unchanged: [{ name: 'same', revision: 5 }] });
    expect(doc.only_in_files.map((a) => a.name)).toEqual(['new']);
    expect(doc.only_in_bucket.map((a) => a.name)).toEqual(['old']);
    expect(doc.different[0]).toMatchObject({ name: 'top', precondition: { 'If-Match': '"7"' }, base: { revision: 7, from: 'export' } });
  });

  test('import --json marks each action written or not, with its new revision', () => {
    const doc = planJson(plan, { done: [{ name: 'new', revision: 10 }] });
    expect(doc.actions.map((a) => [a.name, a.written, a.revision])).toEqual([
      ['new', true, 10],
      ['top', false, undefined],
      ['old', false, undefined],
    ]);
  });
});
