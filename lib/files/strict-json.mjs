// A strict JSON reader for files people edit by hand. JSON.parse keeps the last of two equal
// keys without a word, so `{"sql": "A", "sql": "B"}` would import B while the author may have
// meant A; WaveHouse's decoder refuses such a file, and so does this one. Plain JS (with its
// types in strict-json.d.mts) so the plain-node CLI and the app's tests share it.

/** @typedef {import('./strict-json.d.mts').JsonPath} JsonPath */
/** @typedef {import('./strict-json.d.mts').DuplicateKey} DuplicateKey */
/** @typedef {import('./strict-json.d.mts').ScanResult} ScanResult */

/** Deep enough for any real file; deeper input would overflow the stack of this recursive reader. */
export const MAX_SCAN_DEPTH = 512;

class ScanError extends Error {
  /** @param {string} message  @param {number} offset */
  constructor(message, offset) {
    super(message);
    this.offset = offset;
  }
}

/**
 * Line and column (both from 1, columns in UTF-16 code units) of `offset` in `text`.
 * @param {string} text
 * @param {number} offset
 */
export function lineColumn(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * A path as a reader finds it in the file: `pipes[3].parameters[0].name`.
 * @param {JsonPath} path
 */
export function formatPath(path) {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `${out ? '.' : ''}${part}` : `[${JSON.stringify(part)}]`;
  }
  return out;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const SIMPLE_ESCAPES = /** @type {Record<string, string>} */ ({
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
});

/**
 * Reads `text` as exactly one JSON value (RFC 8259): no byte-order mark, nothing but whitespace
 * after the value, no lone surrogate escapes, no number too large for a double. Duplicate keys
 * do not stop the scan: every one is reported (the value keeps the first), so one run names them all.
 * @param {string} text
 * @returns {ScanResult}
 */
export function scanJson(text) {
  /** @type {DuplicateKey[]} */
  const duplicates = [];
  let i = 0;

  const fail = (/** @type {string} */ message, at = i) => {
    throw new ScanError(message, at);
  };
  const skipWhitespace = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else return;
    }
  };
  const describeAt = (/** @type {number} */ at) => {
    if (at >= text.length) return 'the end of the file';
    const c = text.codePointAt(at) ?? 0;
    return c < 0x20 || c === 0x7f ? `character U+${c.toString(16).toUpperCase().padStart(4, '0')}` : `"${String.fromCodePoint(c)}"`;
  };

  const readString = () => {
    const start = i;
    i++; // the opening quote
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(runStart, i);
        i++;
        return out;
      }
      if (c < 0x20) fail(`${describeAt(i)} must be escaped inside a string`);
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(runStart, i);
      const e = text[i + 1];
      if (e === undefined) fail('unterminated string', start);
      if (e === 'u') {
        const unit = readHex(i + 2);
        i += 6;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // A high surrogate must be followed by an escaped low one: Go would turn it into U+FFFD.
          const low = text.startsWith('\\u', i) ? readHex(i + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) fail(`lone surrogate \\u${unit.toString(16)} in a string`, i - 6);
          out += String.fromCharCode(unit, low);
          i += 6;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          fail(`lone surrogate \\u${unit.toString(16)} in a string`, i - 6);
        } else {
          out += String.fromCharCode(unit);
        }
      } else {
        const simple = SIMPLE_ESCAPES[/** @type {string} */ (e)];
        if (simple === undefined) fail(`invalid escape "\\${e}" in a string`);
        out += simple;
        i += 2;
      }
      runStart = i;
    }
  };

  const readHex = (/** @type {number} */ at) => {
    const hex = text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape in a string', at - 2);
    return parseInt(hex, 16);
  };

  /** @param {JsonPath} path  @param {number} depth  @returns {unknown} */
  const readValue = (path, depth) => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') return readObject(path, depth + 1);
    if (c === '[') return readArray(path, depth + 1);
    if (c === '"') return readString();
    if (c === 't' && text.startsWith('true', i)) return ((i += 4), true);
    if (c === 'f' && text.startsWith('false', i)) return ((i += 5), false);
    if (c === 'n' && text.startsWith('null', i)) return ((i += 4), null);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      const n = Number(m[0]);
      if (!Number.isFinite(n)) fail(`number ${m[0]} is too large`);
      i += m[0].length;
      return n;
    }
    return fail(`expected a JSON value, found ${describeAt(i)}`);
  };

  /** @param {JsonPath} path  @param {number} depth */
  const readObject = (path, depth) => {
    if (depth > MAX_SCAN_DEPTH) fail(`nested deeper than ${MAX_SCAN_DEPTH} levels`);
    i++;
    /** @type {Record<string, unknown>} */
    const obj = {};
    const seen = new Set();
    skipWhitespace();
    if (text[i] === '}') return (i++, obj);
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') fail(`expected a key in double quotes, found ${describeAt(i)}`);
      const keyAt = i;
      const key = readString();
      skipWhitespace();
      if (text[i] !== ':') fail(`expected ":" after the key ${JSON.stringify(key)}, found ${describeAt(i)}`);
      i++;
      const value = readValue([...path, key], depth);
      if (seen.has(key)) {
        duplicates.push({ path, key, ...lineColumn(text, keyAt) });
      } else {
        seen.add(key);
        // defineProperty: a key "__proto__" is data here, as it is for JSON.parse.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      }
      skipWhitespace();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return (i++, obj);
      else fail(`expected "," or "}" in an object, found ${describeAt(i)}`);
    }
  };

  /** @param {JsonPath} path  @param {number} depth */
  const readArray = (path, depth) => {
    if (depth > MAX_SCAN_DEPTH) fail(`nested deeper than ${MAX_SCAN_DEPTH} levels`);
    i++;
    /** @type {unknown[]} */
    const arr = [];
    skipWhitespace();
    if (text[i] === ']') return (i++, arr);
    for (;;) {
      arr.push(readValue([...path, arr.length], depth));
      skipWhitespace();
      if (text[i] === ',') i++;
      else if (text[i] === ']') return (i++, arr);
      else fail(`expected "," or "]" in an array, found ${describeAt(i)}`);
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) fail('starts with a byte-order mark (U+FEFF); save it as UTF-8 without one', 0);
    skipWhitespace();
    if (i === text.length) fail('is empty: no JSON value', 0);
    const value = readValue([], 0);
    skipWhitespace();
    if (i < text.length) fail(`trailing data after the JSON value: ${describeAt(i)}`);
    return { ok: true, value, duplicates };
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    return { ok: false, message: err.message, ...lineColumn(text, err.offset) };
  }
}
