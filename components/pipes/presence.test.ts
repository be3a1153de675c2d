import { describe, expect, it } from 'vitest';
import type { PresenceEntry } from '@/lib/live/protocol';
import { initials, othersOf, presenceLabel, startedEditing, startedEditingNotice } from './presence';

const here = (user: string, editing = false, role: PresenceEntry['role'] = 'admin'): PresenceEntry => ({
  key: 'k',
  user,
  role,
  editing,
  since: '2026-12-01T10:00:00.000Z',
});

describe('initials', () => {
  it.each([
    ['ana', 'A'],
    ['admin token', 'AT'],
    ['ana.silva@example.com', 'AS'],
    ['ana@example.com', 'A'],
    ['bob_de_vries', 'BD'],
    ['élodie', 'É'],
    ['@', '@'],
  ])('%s → %s', (user, expected) => expect(initials(user)).toBe(expected));
});

describe('presenceLabel', () => {
  it('names the user, the role and whether they edit', () => {
    expect(presenceLabel(here('ana', true))).toBe('ana (admin) is editing');
    expect(presenceLabel(here('bob', false, 'viewer'))).toBe('bob (viewer) is viewing');
  });
});

describe('othersOf', () => {
  it('leaves out the signed-in user', () => {
    expect(othersOf([here('ana'), here('bob')], 'ana').map((e) => e.user)).toEqual(['bob']);
    expect(othersOf(undefined, 'ana')).toEqual([]);
  });
});

describe('startedEditing', () => {
  it('names the other users editing now who were not before', () => {
    expect(startedEditing([here('ana'), here('bob', true)], [here('ana', true), here('bob', true), here('cy', true), here('me', true)], 'me')).toEqual([
      'ana',
      'cy',
    ]);
  });

  it('names nobody when nobody started', () => {
    expect(startedEditing([here('ana', true)], [here('ana', true)], 'me')).toEqual([]);
    expect(startedEditing([here('ana', true)], [here('ana', false)], 'me')).toEqual([]);
  });
});

describe('startedEditingNotice', () => {
  const none: readonly string[] = [];

  it('names a user who starts editing while this tab holds unsaved edits', () => {
    expect(startedEditingNotice(none, { previous: [here('ana')], next: [here('ana', true)], self: 'me', dirty: true })).toEqual(['ana']);
  });

  it('names nobody while this tab holds no unsaved edits, and forgets once its edits are gone', () => {
    expect(startedEditingNotice(none, { previous: [here('ana')], next: [here('ana', true)], self: 'me', dirty: false })).toBe(none);
    expect(startedEditingNotice(['ana'], { previous: [here('ana', true)], next: [here('ana', true)], self: 'me', dirty: false })).toEqual([]);
  });

  it('does not name a user who was editing already when this tab started', () => {
    expect(startedEditingNotice(none, { previous: [here('ana', true)], next: [here('ana', true)], self: 'me', dirty: true })).toBe(none);
  });

  it('does not name the signed-in user editing in another tab', () => {
    expect(startedEditingNotice(none, { previous: [here('me')], next: [here('me', true)], self: 'me', dirty: true })).toBe(none);
  });

  it('keeps naming a user while they edit, drops them when they stop or leave', () => {
    const named = startedEditingNotice(['ana'], { previous: [here('ana', true)], next: [here('ana', true), here('bob')], self: 'me', dirty: true });
    expect(named).toEqual(['ana']);
    expect(startedEditingNotice(['ana', 'bob'], { previous: [here('ana', true), here('bob', true)], next: [here('bob', true)], self: 'me', dirty: true })).toEqual([
      'bob',
    ]);
  });

  it('returns the same list when nothing changed', () => {
    const current = ['ana'];
    expect(startedEditingNotice(current, { previous: [here('ana', true)], next: [here('ana', true)], self: 'me', dirty: true })).toBe(current);
  });
});
