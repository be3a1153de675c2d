import { apiRoute } from '@/lib/server/http/api-route';
import { listPipesJson } from '@/lib/server/pipe-service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(
  'read',
  async () => new Response(await listPipesJson(), { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } }),
);
