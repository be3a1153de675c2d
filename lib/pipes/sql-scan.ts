// Just enough of a lexer for the SQL of a pipe to tell code from quoted text and comments, and to
// find the word each statement starts with; the lint rules need that much and no more (a full
// parser would reject SQL the database happily runs). ClickHouse's lexical rules: '--', '#!',
// '# ' and '//' comment to the end of the line, '/* */' nests, '…' is a string, "…" and `…` are
// identifiers, and inside quotes a doubled quote or a backslash escapes.
import { extractPlaceholders, type Placeholder } from './template';

export type SqlTokenKind = 'word' | 'number' | 'string' | 'identifier' | 'comment' | 'placeholder' | 'punct';

/** `sql.slice(start, end)` is the token's text. Whitespace between tokens is not one. */
export type SqlToken = { kind: SqlTokenKind; start: number; end: number };

export type SqlScan = {
  tokens: SqlToken[];
  /** Placeholders that sit inside a '…' string or a "…" / `…` quoted identifier. */
  quoted: Placeholder[];
};

// Character classes by code, the ASCII ones without a regular expression: the lexer reads every
// pipe of the bucket at start, and testing each character with one took twice as long.
const NON_ASCII_SPACE = /\s/;
const NON_ASCII_LETTER = /\p{L}/u;
const NON_ASCII_WORD = /[\p{L}\p{N}]/u;

function isSpace(sql: string, i: number): boolean {
  const c = sql.charCodeAt(i);
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && NON_ASCII_SPACE.test(sql[i]!));
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordStart(sql: string, i: number): boolean {
  const c = sql.charCodeAt(i);
  return isLetter(c) || (c > 127 && NON_ASCII_LETTER.test(sql[i]!));
}

function isWordPart(sql: string, i: number): boolean {
  const c = sql.charCodeAt(i);
  return isLetter(c) || isDigit(c) || c === 36 || (c > 127 && NON_ASCII_WORD.test(sql[i]!));
}

function isNumberPart(sql: string, i: number): boolean {
  const c = sql.charCodeAt(i);
  return isLetter(c) || isDigit(c) || c === 46;
}

/**
 * Splits `sql` into tokens. WaveHouse substitutes placeholders into the text before the database
 * reads it, so a placeholder is one opaque token wherever it is: a quote in an inline default
 * (`{{who:O'Brien}}`) neither opens nor closes a string. `placeholders` are the SQL's own, when
 * the caller has them already.
 */
export function scanSql(sql: string, placeholders: Placeholder[] = extractPlaceholders(sql)): SqlScan {
  const at = new Map(placeholders.map((ph) => [ph.start, ph]));
  const tokens: SqlToken[] = [];
  const quoted: Placeholder[] = [];
  const n = sql.length;
  let i = 0;
  const skipWhile = (test: (sql: string, i: number) => boolean) => {
    while (i < n && test(sql, i)) i++;
  };
  while (i < n) {
    if (isSpace(sql, i)) {
      skipWhile(isSpace);
      continue;
    }
    const start = i;
    const c = sql[i]!;
    const next = sql[i + 1];
    const ph = at.get(i);
    let kind: SqlTokenKind;
    if (ph) {
      kind = 'placeholder';
      i = ph.end;
    } else if ((c === '-' && next === '-') || (c === '#' && (next === '!' || next === ' ')) || (c === '/' && next === '/')) {
      kind = 'comment';
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (c === '/' && next === '*') {
      kind = 'comment';
      i = blockCommentEnd(sql, i);
    } else if (c === "'" || c === '"' || c === '`') {
      kind = c === "'" ? 'string' : 'identifier';
      i = quotedEnd(sql, i, at, quoted);
    } else if (isWordStart(sql, i)) {
      kind = 'word';
      skipWhile(isWordPart);
    } else if (isDigit(sql.charCodeAt(i))) {
      kind = 'number';
      skipWhile(isNumberPart);
    } else {
      kind = 'punct';
      i++;
    }
    tokens.push({ kind, start, end: i });
  }
  return { tokens, quoted };
}

/** Where the block comment opened at `open` ends: ClickHouse nests them. Unclosed runs to the end. */
function blockCommentEnd(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      i += 2;
      if (--depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** Where the quoted text opened at `open` ends: a doubled quote or a backslash escapes. Unclosed runs to the end. */
function quotedEnd(sql: string, open: number, placeholders: Map<number, Placeholder>, quoted: Placeholder[]): number {
  const quote = sql[open];
  let i = open + 1;
  while (i < sql.length) {
    const ph = placeholders.get(i);
    if (ph) {
      quoted.push(ph);
      i = ph.end;
    } else if (sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

/**
 * The word each statement starts with, after leading comments and whitespace and after a
 * `WITH …` prelude (`name AS (…)` and `expression AS alias` items, comma-separated), so
 * `WITH t AS (SELECT 1) DELETE …` is found to start with DELETE. Statements are split at `;`
 * outside strings and comments; one that starts with anything but a word (a placeholder, a
 * parenthesis) is left out, as is a WITH prelude that does not parse.
 */
export function leadingWords(sql: string, tokens: SqlToken[]): SqlToken[] {
  const words: SqlToken[] = [];
  let statement: SqlToken[] = [];
  const flush = () => {
    const word = leadingWord(sql, statement);
    if (word) words.push(word);
    statement = [];
  };
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (isPunct(sql, t, ';')) flush();
    else statement.push(t);
  }
  flush();
  return words;
}

function leadingWord(sql: string, t: SqlToken[]): SqlToken | undefined {
  let k = 0;
  if (isWord(sql, t[0], 'WITH')) {
    k = afterWithPrelude(sql, t, 1);
    if (k < 0) return undefined;
  }
  const word = t[k];
  return word?.kind === 'word' ? word : undefined;
}

/** Index of the first token after the WITH items starting at `k`, or -1 when they do not parse. */
function afterWithPrelude(sql: string, t: SqlToken[], k: number): number {
  if (isWord(sql, t[k], 'RECURSIVE')) k++;
  for (;;) {
    // Up to this item's AS (an AS inside parentheses, as in CAST(x AS String), belongs to them).
    let depth = 0;
    while (k < t.length && !(depth === 0 && isWord(sql, t[k], 'AS'))) {
      if (isPunct(sql, t[k], '(')) depth++;
      else if (isPunct(sql, t[k], ')')) depth--;
      k++;
    }
    if (k >= t.length) return -1;
    k++;
    // `name AS (subquery)` or `expression AS alias`.
    k = isPunct(sql, t[k], '(') ? afterParens(sql, t, k) : k + 1;
    if (!isPunct(sql, t[k], ',')) return k;
    k++;
  }
}

function afterParens(sql: string, t: SqlToken[], open: number): number {
  let depth = 0;
  for (let k = open; k < t.length; k++) {
    if (isPunct(sql, t[k], '(')) depth++;
    else if (isPunct(sql, t[k], ')') && --depth === 0) return k + 1;
  }
  return t.length;
}

function isWord(sql: string, t: SqlToken | undefined, upper: string): boolean {
  return t?.kind === 'word' && sql.slice(t.start, t.end).toUpperCase() === upper;
}

function isPunct(sql: string, t: SqlToken | undefined, c: string): boolean {
  return t?.kind === 'punct' && sql[t.start] === c;
}
