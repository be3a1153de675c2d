// lib/files keeps its own copies of rules the app's TypeScript holds (plain node cannot load
// lib/pipes): these tests fail the moment the two disagree.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { KNOWN_PARAM_FIELDS, KNOWN_PIPE_FIELDS } from '@/lib/pipes/fields';
import {
  CREATABLE_NAME as APP_CREATABLE,
  CREATABLE_NAME_RULE as APP_RULE,
  isLegalKey as appIsLegalKey,
  MAX_KEY_LENGTH as APP_MAX_KEY,
} from '@/lib/pipes/names';
import { MAX_JSON_DEPTH, normalizePipe, PARAM_TYPES as APP_PARAM_TYPES, parseStoredPipe, type Pipe } from '@/lib/pipes/schema';
import { filePipeOf } from './pipes-json.mjs';
import {
  CREATABLE_NAME,
  CREATABLE_NAME_RULE,
  isLegalKey,
  MAX_KEY_LENGTH,
  MAX_PIPE_DEPTH,
  PARAM_FIELDS,
  PARAM_TYPES,
  PIPE_FIELDS,
} from './rules.mjs';

describe('the rules agree with the app', () => {
  test('known fields, in the same order', () => {
    expect(PIPE_FIELDS).toEqual(KNOWN_PIPE_FIELDS);
    expect(PARAM_FIELDS).toEqual(KNOWN_PARAM_FIELDS);
  });

  test('parameter types', () => {
    expect(PARAM_TYPES).toEqual(APP_PARAM_TYPES);
  });

  test('the creation rule and its wording', () => {
    expect(CREATABLE_NAME.source).toBe(APP_CREATABLE.source);
    expect(CREATABLE_NAME_RULE).toBe(APP_RULE);
  });

  test('legal keys, on keys at every edge of the rule', () => {
    expect(MAX_KEY_LENGTH).toBe(APP_MAX_KEY);
    const keys = ['a', 'a.b', '.a', 'a.', 'a..b', 'a/b', 'a=b', 'a b', 'ä', '', 'x'.repeat(1024), 'x'.repeat(1025), '-_', 'a*', 'a>'];
    expect(keys.map(isLegalKey)).toEqual(keys.map(appIsLegalKey));
  });

  test('nesting depth', () => {
    expect(MAX_PIPE_DEPTH).toBe(MAX_JSON_DEPTH);
  });
});

test('filePipeOf gives the known fields of what the console stores, for every WaveHouse fixture', () => {
  const lines = readFileSync(new URL('../pipes/fixtures/wavehouse-pipes.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const parsed = parseStoredPipe(line);
    if (!parsed.ok) continue;
    const stored = normalizePipe(parsed.value) as Pipe & Record<string, unknown>;
    const known = Object.fromEntries(Object.entries(stored).filter(([k]) => KNOWN_PIPE_FIELDS.includes(k)));
    known.parameters &&= (known.parameters as Record<string, unknown>[]).map((p) =>
      Object.fromEntries(Object.entries(p).filter(([k]) => KNOWN_PARAM_FIELDS.includes(k))),
    );
    expect(filePipeOf(stored.name, parsed.value)).toEqual(known);
  }
});
