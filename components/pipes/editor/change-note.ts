// The optional "why" of a save. It travels as a header, percent-encoded: header values are
// Latin-1 on the wire, and a note may be any text.
export const MAX_NOTE_LENGTH = 500;

/** The header for a note; none for a blank one, which says nothing. */
export function changeNoteHeaders(note: string | undefined): Record<string, string> {
  const text = note?.trim() ?? '';
  return text === '' ? {} : { 'X-Change-Note': encodeURIComponent(text) };
}
