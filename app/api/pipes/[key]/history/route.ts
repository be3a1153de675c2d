import { pipeHistory } from '@/lib/server/archive';
import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { readPage } from '@/lib/server/http/request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ key: string }>('read', async (request, _principal, { key }) =>
  json(200, await pipeHistory(key, readPage(new URL(request.url).searchParams))),
);
