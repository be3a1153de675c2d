import { expect, test } from 'vitest';
import { clockTime } from './time';

test('clockTime: local time with seconds, and the date when not today', () => {
  const at = new Date(2026, 4, 3, 9, 7, 5);
  expect(clockTime(at.toISOString(), new Date(2026, 4, 3, 23, 0))).toBe('09:07:05');
  expect(clockTime(at.toISOString(), new Date(2026, 4, 4, 0, 1))).toBe('2026-05-03 09:07:05');
  expect(clockTime('garbage')).toBe('garbage');
});
