import { authorizeMetrics } from '@/lib/server/auth';
import { errorResponse } from '@/lib/server/http/error-response';
import { metrics } from '@/lib/server/metrics';

export const dynamic = 'force-dynamic';

// Prometheus's text format: PIPES_METRICS_TOKEN as a bearer token, or any credential that reads.
export async function GET(request: Request): Promise<Response> {
  try {
    await authorizeMetrics(request);
    const { registry } = metrics();
    return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' } });
  } catch (err) {
    return errorResponse(err);
  }
}
