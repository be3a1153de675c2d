// Which strings may be KV keys, and which names the console creates. Keys are checked before
// any NATS call so a bad key is a clear 400, not an opaque client error or, worse, a publish
// nobody answers.

/**
 * NATS KV's key rule: these characters, not starting or ending with '.'; and no '..'
 * (see keyProblem for why).
 */
export const LEGAL_KEY = /^(?!\.)(?!.*\.\.)[-/_=.a-zA-Z0-9]+(?<!\.)$/;

/** Names of pipes created in the console: also safe in URLs, file names and SQL comments. */
export const CREATABLE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** CREATABLE_NAME in words: the one wording every message about the rule uses. */
export const CREATABLE_NAME_RULE = 'letters, digits, "_" and "-", 1 to 128 characters';

const LEGAL_CHAR = /[-/_=.a-zA-Z0-9]/;

/**
 * Longest key the console reads or writes. The key goes into the subject of a publish, and
 * nats-server closes a connection whose protocol line exceeds its max_control_line (4 KiB by
 * default): a longer key would drop the console's connection instead of being refused.
 */
export const MAX_KEY_LENGTH = 1024;

/** null when `key` is usable as a NATS KV key, else why not, safe to show as-is. */
export function keyProblem(key: string): string | null {
  if (key === '') return 'key must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `key must be at most ${MAX_KEY_LENGTH} characters, got ${key.length}`;
  const bad = [...new Set(Array.from(key).filter((c) => !LEGAL_CHAR.test(c)))];
  if (bad.length > 0) {
    const shown = bad.slice(0, 10).map(showChar).join(', ');
    const more = bad.length > 10 ? ` and ${bad.length - 10} more` : '';
    return `key contains characters NATS KV does not allow: ${shown}${more}`;
  }
  if (key.startsWith('.') || key.endsWith('.')) return "key must not start or end with '.'";
  // The client libraries accept "a..b", but its subject has an empty token: the server
  // routes the publish nowhere, so such a key can never be written (checked on nats-server 2.x).
  if (key.includes('..')) return "key must not contain '..'";
  return null;
}

export function isLegalKey(key: string): boolean {
  return keyProblem(key) === null;
}

export function isCreatableName(name: string): boolean {
  return CREATABLE_NAME.test(name);
}

// Letters, digits, punctuation, symbols and the plain space are shown as themselves; anything
// else (controls, format characters such as bidi overrides, other spaces) only as an escape.
function showChar(c: string): string {
  if (/^[\p{L}\p{N}\p{P}\p{S} ]$/u.test(c)) return JSON.stringify(c);
  const cp = c.codePointAt(0) ?? 0;
  return cp > 0xffff ? `"\\u{${cp.toString(16)}}"` : `"\\u${cp.toString(16).padStart(4, '0')}"`;
}
