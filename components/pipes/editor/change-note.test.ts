import { describe, expect, it } from 'vitest';
import { changeNoteHeaders } from './change-note';

describe('changeNoteHeaders', () => {
  it('sends a note percent-encoded, so any text survives a Latin-1 header', () => {
    expect(changeNoteHeaders('fix: €5 → “limit”')).toEqual({ 'X-Change-Note': encodeURIComponent('fix: €5 → “limit”') });
    expect(decodeURIComponent(changeNoteHeaders('a b%c')['X-Change-Note']!)).toBe('a b%c');
  });

  it('trims the note it sends', () => {
    expect(changeNoteHeaders('  raise the limit \n')).toEqual({ 'X-Change-Note': 'raise%20the%20limit' });
  });

  it.each([undefined, '', '   ', '\n\t'])('sends no header for the blank note %j', (note) => {
    expect(changeNoteHeaders(note)).toEqual({});
  });
});
