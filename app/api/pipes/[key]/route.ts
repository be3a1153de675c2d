import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { readChangeNote, readJsonBody, readPrecondition } from '@/lib/server/http/request';
import { deletePipe, getPipe, putPipe } from '@/lib/server/pipe-service';

export const dynamic = 'force-dynamic';

type Params = { key: string };
const etag = (revision: number) => ({ ETag: `"${revision}"` });

export const GET = apiRoute<Params>('read', async (_request, _principal, { key }) => {
  const entry = await getPipe(key);
  return json(200, entry, etag(entry.revision));
});

export const PUT = apiRoute<Params>('write', async (request, principal, { key }) => {
  const precondition = readPrecondition(request.headers);
  const note = readChangeNote(request.headers);
  const entry = await putPipe(key, await readJsonBody(request), precondition, { principal, note });
  return json(200, entry, etag(entry.revision));
});

export const DELETE = apiRoute<Params>('write', async (request, principal, { key }) => {
  await deletePipe(key, readPrecondition(request.headers), { principal, note: readChangeNote(request.headers) });
  return new Response(null, { status: 204 });
});
