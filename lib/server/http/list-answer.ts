import 'server-only';
import { listPipesJson } from '@/lib/server/pipe-service';
import { encodedOnce, preferredEncoding } from './encoded-body';

// Below this, compressing is left to Next (or to nobody): not worth a cache entry.
const ENCODE_ONCE_FROM_BYTES = 64 * 1024;

/**
 * `GET /api/pipes`. `encode`: compress a large list here, once per revision (only on server.mjs's
 * fast path: Next drops a route's Content-Encoding and compresses every answer again itself).
 */
export async function listAnswer(request: Request, { encode }: { encode: boolean }): Promise<Response> {
  const { json, version } = await listPipesJson();
  const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Vary: 'Accept-Encoding' };
  const encoding = encode && json.length >= ENCODE_ONCE_FROM_BYTES ? preferredEncoding(request.headers.get('accept-encoding')) : undefined;
  if (!encoding) return new Response(json, { headers });
  const body = await encodedOnce(version, json, encoding);
  return new Response(new Uint8Array(body), { headers: { ...headers, 'Content-Encoding': encoding } });
}
