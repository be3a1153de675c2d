import 'server-only';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '@/lib/pipes/schema';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@/lib/server/errors';
import type { Precondition } from '@/lib/server/pipe-service';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body of at most 1 MiB, refusing early on Content-Length and while streaming. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type');
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(`Content-Type must be application/json, got "${type}"`);
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > MAX_BODY_BYTES) throw new PayloadTooLargeError(`body is ${declared} bytes; the limit is ${MAX_BODY_BYTES}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader?.cancel();
      throw new PayloadTooLargeError(`body exceeds the limit of ${MAX_BODY_BYTES} bytes`);
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
