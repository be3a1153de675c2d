import { expect, test } from 'vitest';
import { firstLine, localDateTime } from './format';

test('localDateTime shows the local date and time to the minute', () => {
  const local = new Date(2026, 4, 3, 9, 7, 30);
  expect(localDateTime(local.toISOString())).toBe('2026-05-03 09:07');
  expect(localDateTime('not a date')).toBe('not a date');
});

test('firstLine skips blank lines and trims', () => {
  expect(firstLine('\n  \n  SELECT a\nFROM t')).toBe('SELECT a');
  expect(firstLine(undefined)).toBe('');
});
