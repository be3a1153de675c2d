import { listChanges } from '@/lib/server/archive';
import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { readChangeFilter, readPage } from '@/lib/server/http/request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', async (request) => {
  const params = new URL(request.url).searchParams;
  return json(200, await listChanges(readChangeFilter(params), readPage(params)));
});
