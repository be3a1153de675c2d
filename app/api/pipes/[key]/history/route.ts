import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { pipeHistory } from '@/lib/server/pipe-service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute<{ key: string }>('read', async (_request, _principal, { key }) =>
  json(200, { history: await pipeHistory(key) }),
);
