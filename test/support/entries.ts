// The entry the unit tests build again and again: a valid pipe `key` at `revision`.
import type { Entry } from '@/lib/pipes/entry';

export const pipeEntry = (key: string, revision: number, sql = 'SELECT 1', updated = '2026-01-01T00:00:00.000Z'): Entry => ({
  key,
  revision,
  updated,
  operation: 'PUT',
  value: { name: key, sql },
});
