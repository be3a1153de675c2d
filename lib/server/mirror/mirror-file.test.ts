import { describe, expect, it } from 'vitest';
import { decodePipesFile } from '@/lib/files/pipes-json.mjs';
import type { Entry } from '@/lib/pipes/entry';
import { mirrorFileOf } from './mirror-file';

const entry = (key: string, value: Entry['value'], invalid?: string): Entry => ({
  key,
  revision: key.length,
  updated: '2026-12-01T00:00:00.000Z',
  operation: 'PUT',
  value,
  ...(invalid ? { invalid: { message: invalid }, raw: '{' } : {}),
});

describe('mirrorFileOf', () => {
  const entries = [
    entry('zeta', { name: 'zeta', sql: 'SELECT 2', extra: 1 } as unknown as Entry['value']),
    entry('alpha', { name: 'alpha', sql: 'SELECT {{id}}', parameters: [{ name: 'id', type: 'number', required: true }] }),
    entry('broken', null, 'not valid JSON'),
  ];

  it('holds every valid pipe, sorted by name, in what WaveHouse strict decoder accepts', () => {
    const { text } = mirrorFileOf(9, entries);
    const decoded = decodePipesFile(Buffer.from(text));
    expect(decoded.findings).toEqual([]);
    expect(decoded.pipes!.map((p) => p.name)).toEqual(['alpha', 'zeta']);
  });

  it('leaves an invalid entry out and names it with why', () => {
    const file = mirrorFileOf(9, entries);
    expect(file.pipes).toBe(2);
    expect(file.leftOut).toEqual([{ key: 'broken', revision: 6, message: 'invalid entry: not valid JSON' }]);
  });

  it('gives the same bytes whatever order the cache holds the entries in', () => {
    expect(mirrorFileOf(9, [...entries].reverse()).text).toBe(mirrorFileOf(9, entries).text);
  });
});
