import 'server-only';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '@/lib/pipes/schema';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@/lib/server/errors';
import type { ChangeFilter } from '@/lib/server/archive/archive-reader';
import type { Precondition } from '@/lib/server/pipe-service';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body of at most `maxBytes` (1 MiB unless said), refusing early on Content-Length and while streaming. */
export async function readJsonBody(request: Request, { maxBytes = MAX_BODY_BYTES }: { maxBytes?: number } = {}): Promise<unknown> {
  const type = request.headers.get('content-type');
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(`Content-Type must be application/json, got "${type}"`);
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new PayloadTooLargeError(`body is ${declared} bytes; the limit is ${maxBytes}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw new PayloadTooLargeError(`body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk.value);
  }
  let text: string;
  try {
    // Strict, as for stored values: a bad byte must not silently become U+FFFD in a pipe.
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BadRequestError('the body is not valid UTF-8', [{ path: '', message: 'invalid UTF-8' }]);
  }
  if (text.trim() === '') throw new BadRequestError('the body is empty; send the pipe as JSON');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`, [{ path: '', message: 'nested too deeply' }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`the body is not valid JSON: ${(err as Error).message}`, [{ path: '', message: 'invalid JSON' }]);
  }
}

/** If-Match: "<rev>" (write only at that revision) | If-Match: * (any) | If-None-Match: * (create only); undefined when none is sent. */
export function readPrecondition(headers: Headers): Precondition | undefined {
  const ifMatch = headers.get('if-match')?.trim();
  const ifNoneMatch = headers.get('if-none-match')?.trim();
  if (ifMatch && ifNoneMatch) throw new BadRequestError('send either If-Match or If-None-Match, not both');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch === '*') return { kind: 'absent' };
    throw new BadRequestError('If-None-Match accepts only *');
  }
  if (ifMatch === undefined) return undefined;
  if (ifMatch === '*') return { kind: 'any' };
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(ifMatch);
  if (!m || Number(m[1]) < 1) throw new BadRequestError(`If-Match must be "<revision>" or *, got ${JSON.stringify(ifMatch)}`);
  return { kind: 'revision', revision: Number(m[1]) };
}

export const MAX_NOTE_CHARS = 500;

/** The X-Change-Note header: percent-encoded UTF-8, at most 500 characters decoded; undefined when absent or blank. */
export function readChangeNote(headers: Headers): string | undefined {
  const encoded = headers.get('x-change-note');
  if (encoded === null) return undefined;
  let note: string;
  try {
    note = decodeURIComponent(encoded);
  } catch {
    throw new BadRequestError('X-Change-Note must be percent-encoded UTF-8 (encodeURIComponent)', [
      { path: 'X-Change-Note', message: 'not decodable' },
    ]);
  }
  const length = [...note].length;
  if (length > MAX_NOTE_CHARS) {
    throw new BadRequestError(`the change note is ${length} characters; at most ${MAX_NOTE_CHARS} are kept`, [
      { path: 'X-Change-Note', message: 'too long' },
    ]);
  }
  return note.trim() === '' ? undefined : note;
}

/** A paging query: `limit` (1 to `max`, default 100) and an opaque `before` cursor (a positive whole number). */
export function readPage(params: URLSearchParams, max = 1_000): { limit: number; before?: number } {
  const limitText = params.get('limit');
  const limit = limitText === null ? 100 : Number(limitText);
  if (!/^\d{1,7}$/.test(limitText ?? '100') || limit < 1 || limit > max) {
    throw new BadRequestError(`limit must be a whole number from 1 to ${max}, got ${JSON.stringify(limitText)}`, [
      { path: 'limit', message: 'out of range' },
    ]);
  }
  const beforeText = params.get('before');
  if (beforeText === null) return { limit };
  if (!/^[1-9]\d{0,15}$/.test(beforeText)) {
    throw new BadRequestError(`before must be the "next" cursor of an earlier page, got ${JSON.stringify(beforeText)}`, [
      { path: 'before', message: 'malformed cursor' },
    ]);
  }
  return { limit, before: Number(beforeText) };
}

const OPERATIONS = ['PUT', 'DEL', 'PURGE'] as const;

/** `/api/changes` filters: `key`, `actor`, `op` (a comma-separated list of PUT, DEL, PURGE). */
export function readChangeFilter(params: URLSearchParams): ChangeFilter {
  const filter: ChangeFilter = {};
  const key = params.get('key');
  if (key !== null && key !== '') filter.key = key;
  const actor = params.get('actor');
  if (actor !== null && actor !== '') {
    if (actor.length > 200) throw new BadRequestError('actor is longer than 200 characters', [{ path: 'actor', message: 'too long' }]);
    filter.actor = actor;
  }
  const op = params.get('op');
  if (op !== null && op !== '') {
    const operations = op.split(',').map((o) => o.trim().toUpperCase());
    const unknown = operations.find((o) => !(OPERATIONS as readonly string[]).includes(o));
    if (unknown !== undefined) {
      throw new BadRequestError(`op must list PUT, DEL or PURGE (comma-separated), got ${JSON.stringify(unknown)}`, [
        { path: 'op', message: 'unknown operation' },
      ]);
    }
    filter.operations = operations as (typeof OPERATIONS)[number][];
  }
  return filter;
}
