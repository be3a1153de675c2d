import { describe, expect, test } from 'vitest';
import { formatFinding } from './pipes-json.mjs';
import { decodeSqlFile, sqlExportFiles } from './sql-folder.mjs';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeSqlFile', () => {
  test('a file is the pipe named after it, its SQL exactly as written (line ends and all)', () => {
    expect(decodeSqlFile('top_events.sql', bytes('SELECT 1\r\nFROM t\n'))).toEqual({
      pipe: { name: 'top_events', sql: 'SELECT 1\r\nFROM t\n' },
    });
  });

  test.each([
    ['a name the console would not create', 'a.b.sql', 'SELECT 1', '"a.b" is not a pipe name'],
    ['an empty name', '.sql', 'SELECT 1', '"" is not a pipe name'],
    ['a name over 128 characters', `${'x'.repeat(129)}.sql`, 'SELECT 1', 'is not a pipe name'],
    ['a byte-order mark', 'p.sql', '\ufeffSELECT 1', 'p.sql: pipe "p": starts with a byte-order mark'],
    ['an empty file', 'p.sql', '', 'p.sql: pipe "p": is blank'],
    ['a blank file', 'p.sql', ' \n', 'p.sql: pipe "p": is blank'],
  ])('refuses %s', (_what, fileName, text, expected) => {
    const result = decodeSqlFile(fileName, bytes(text));
    expect('finding' in result && formatFinding(result.finding)).toContain(expected);
  });

  test('refuses bytes that are not UTF-8', () => {
    const result = decodeSqlFile('p.sql', new Uint8Array([0x53, 0xff]));
    expect('finding' in result && result.finding.message).toBe('is not valid UTF-8');
  });
});

describe('sqlExportFiles', () => {
  test('one file per pipe holding only its SQL, no newline added', () => {
    expect(sqlExportFiles([{ name: 'p', sql: 'SELECT 1', description: 'kept in the bucket' }]).files).toEqual([
      { fileName: 'p.sql', name: 'p', text: 'SELECT 1' },
    ]);
  });

  test('skips a pipe whose name cannot be a file name, saying why', () => {
    const { files, skipped } = sqlExportFiles([{ name: 'team/daily', sql: 'S' }]);
    expect(files).toEqual([]);
    expect(skipped).toEqual([{ name: 'team/daily', reason: expect.stringContaining('cannot be a .sql file') }]);
  });
});
