// The zip writer checked by readers it did not write: Info-ZIP's unzip and Python's zipfile.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { dosDateTime, MAX_ZIP_FILES, zipStored } from './zip.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'pipes-zip-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function written(bytes: Buffer): string {
  const file = path.join(dir, `t${++count}.zip`);
  writeFileSync(file, bytes);
  return file;
}

const unzip = (...args: string[]) => execFileSync('/usr/bin/unzip', args, { encoding: 'utf8' });

/** Python's own reading: every name, its bytes (base64), its date_time, its Unix mode, and testzip(). */
function pythonRead(file: string): {
  names: string[];
  data: Record<string, string>;
  times: Record<string, number[]>;
  modes: number[];
  bad: null | string;
} {
  const script = `
import base64, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({
  "names": z.namelist(),
  "data": {i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()},
  "times": {i.filename: list(i.date_time) for i in z.infolist()},
  "modes": [i.external_attr >> 16 for i in z.infolist()],
  "bad": z.testzip(),
}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
}

const FILES = [
  { name: 'top_events.sql', data: 'SELECT event, count()\nFROM events\nGROUP BY event\n', modified: new Date('2026-11-30T21:07:42Z') },
  {
    name: 'device_by_id.sql',
    data: "SELECT * FROM devices WHERE id = {{id}} -- ünïcödé, 'quotes' €",
    modified: new Date('2026-01-02T03:04:05Z'),
  },
  { name: 'empty.sql', data: '' },
];

describe('zipStored', () => {
  test('unzip -t finds every file intact (the CRCs and sizes are right)', () => {
    const file = written(zipStored(FILES));
    const out = unzip('-t', file);
    for (const f of FILES) expect(out).toContain(`testing: ${f.name}`);
    expect(out).toContain('No errors detected');
  });

  test('unzip -p gives back each file exactly, UTF-8 included', () => {
    const file = written(zipStored(FILES));
    for (const f of FILES) expect(unzip('-p', file, f.name)).toBe(f.data);
  });

  test("python's zipfile reads the names in order, the bytes, the UTC times (to the even second) and a plain file's mode", () => {
    const read = pythonRead(written(zipStored(FILES)));
    expect(read.bad).toBeNull();
    expect(read.names).toEqual(FILES.map((f) => f.name));
    for (const f of FILES) expect(Buffer.from(read.data[f.name]!, 'base64').toString('utf8')).toBe(f.data);
    expect(read.times['top_events.sql']).toEqual([2026, 11, 30, 21, 7, 42]);
    expect(read.times['device_by_id.sql']).toEqual([2026, 1, 2, 3, 4, 4]);
    expect(read.times['empty.sql']).toEqual([1980, 1, 1, 0, 0, 0]);
    expect(read.modes).toEqual([0o100644, 0o100644, 0o100644]);
  });

  test('binary data is stored byte for byte', () => {
    const data = new Uint8Array(70_000).map((_, i) => (i * 7919) % 256);
    const read = pythonRead(written(zipStored([{ name: 'a/b.bin', data }])));
    expect(Buffer.from(read.data['a/b.bin']!, 'base64').equals(Buffer.from(data))).toBe(true);
  });

  test('an archive of no files is a valid empty zip', () => {
    const bytes = zipStored([]);
    expect(bytes.length).toBe(22);
    expect(pythonRead(written(bytes)).names).toEqual([]);
  });

  test('the same files give the same bytes, whenever they are zipped', () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
      const first = zipStored(FILES);
      vi.setSystemTime(new Date('2027-06-01T12:00:00Z'));
      expect(first.equals(zipStored(FILES.map((f) => ({ ...f }))))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test.each([
    ['an empty name', [{ name: '', data: 'x' }], 'is empty'],
    ['an absolute path', [{ name: '/etc/passwd', data: 'x' }], 'relative path'],
    ['a ".." segment', [{ name: 'a/../../b', data: 'x' }], '".." segment'],
    ['a backslash', [{ name: 'a\\b', data: 'x' }], 'relative path'],
    [
      'a name twice',
      [
        { name: 'a.sql', data: 'x' },
        { name: 'a.sql', data: 'y' },
      ],
      'given twice',
    ],
  ])('refuses %s', (_what, files, message) => {
    expect(() => zipStored(files)).toThrow(message);
  });

  test(`refuses more than ${MAX_ZIP_FILES} files (no zip64)`, () => {
    const files = Array.from({ length: MAX_ZIP_FILES + 1 }, (_, i) => ({ name: `${i}.sql`, data: '' }));
    expect(() => zipStored(files)).toThrow(`a zip without zip64 holds at most ${MAX_ZIP_FILES} files, not ${MAX_ZIP_FILES + 1}`);
  });
});

describe('dosDateTime', () => {
  test('packs UTC fields; dates before 1980 become 1980-01-01, after 2107 the last second it holds', () => {
    expect(dosDateTime(new Date('2026-11-30T21:07:42Z'))).toEqual({
      time: (21 << 11) | (7 << 5) | 21,
      date: (46 << 9) | (11 << 5) | 30,
    });
    expect(dosDateTime(new Date('1970-01-01T00:00:00Z'))).toEqual({ time: 0, date: (1 << 5) | 1 });
    expect(dosDateTime(new Date('2200-01-01T00:00:00Z'))).toEqual({ time: (23 << 11) | (59 << 5) | 29, date: (127 << 9) | (12 << 5) | 31 });
    expect(dosDateTime(new Date(NaN))).toEqual({ time: 0, date: (1 << 5) | 1 });
  });
});
