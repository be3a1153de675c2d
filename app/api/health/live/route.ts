import { json } from '@/lib/server/http/error-response';

export const dynamic = 'force-dynamic';

// Liveness, open to everyone (orchestrators): 200 while the process serves HTTP, whatever NATS
// does — restart it only when this stops answering. Readiness is /api/health.
export async function GET(): Promise<Response> {
  return json(200, { status: 'ok' });
}
