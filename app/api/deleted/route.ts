import { listDeleted } from '@/lib/server/archive';
import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', async () => json(200, await listDeleted()));
