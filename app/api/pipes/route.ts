import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { listPipes } from '@/lib/server/store';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', async () => json(200, await listPipes()));
