import 'server-only';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

// A large answer that many requests share (the whole list, 5 MB with 10,000 pipes), compressed
// once per version and at a fast level: Next's own compression would spend about 80 ms of a
// core on it for every request, at gzip's default level, where Brotli 1 takes about 15 ms and
// gzip 1 about 25, on the thread pool, for a few percent more bytes.

export type Encoding = 'br' | 'gzip';

const compress: Record<Encoding, (text: string) => Promise<Buffer>> = {
  br: (text) =>
    promisify(brotliCompress)(text, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) },
    }),
  gzip: (text) => promisify(gzip)(text, { level: 1 }),
};

/** The encoding to answer in for an `Accept-Encoding`: Brotli, else gzip, else none (undefined). */
export function preferredEncoding(acceptEncoding: string | null): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (name) accepted.set(name, Number.isNaN(weight) ? 0 : weight);
  }
  const weight = (name: Encoding) => accepted.get(name) ?? (accepted.has('*') ? accepted.get('*')! : 0);
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return undefined;
}

const encoded = new WeakMap<object, Partial<Record<Encoding, Promise<Buffer>>>>();

/** `text` compressed, once for as long as `version` (an immutable object it was made from) lives. */
export function encodedOnce(version: object, text: string, encoding: Encoding): Promise<Buffer> {
  let byEncoding = encoded.get(version);
  if (!byEncoding) encoded.set(version, (byEncoding = {}));
  return (byEncoding[encoding] ??= compress[encoding](text));
}
