import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { encodedOnce, preferredEncoding } from './encoded-body';

describe('preferredEncoding', () => {
  test('prefers Brotli when both are accepted', () => {
    expect(preferredEncoding('gzip, deflate, br, zstd')).toBe('br');
  });

  test('falls back to gzip', () => {
    expect(preferredEncoding('gzip, deflate')).toBe('gzip');
  });

  test('honours q=0 as "not this one"', () => {
    expect(preferredEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
  });

  test('takes * as any encoding not named', () => {
    expect([preferredEncoding('*'), preferredEncoding('br;q=0, *')]).toEqual(['br', 'gzip']);
  });

  test('answers none for identity, nothing known, or no header', () => {
    expect([
      preferredEncoding('identity'),
      preferredEncoding('zstd'),
      preferredEncoding(null),
      preferredEncoding('gzip;q=0, br;q=0'),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('encodedOnce', () => {
  const text = JSON.stringify({ pipes: Array.from({ length: 100 }, (_, i) => ({ key: `pipe_${i}`, sql: 'SELECT 1' })) });

  test('gives back the text in the encoding asked for', async () => {
    const version = {};
    expect(brotliDecompressSync(await encodedOnce(version, text, 'br')).toString()).toBe(text);
    expect(gunzipSync(await encodedOnce(version, text, 'gzip')).toString()).toBe(text);
  });

  test('compresses once per version and encoding', async () => {
    const version = {};
    const first = encodedOnce(version, text, 'gzip');
    expect(encodedOnce(version, 'other text', 'gzip')).toBe(first);
    expect(encodedOnce({}, text, 'gzip')).not.toBe(first);
  });
});
