import { prepareEvents } from '@/lib/server/live/prepare-events';
import { webEventStream } from '@/lib/server/live/web-stream';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Under `server.mjs` this route is never reached: lib/server/live/serve-events.ts answers first.
export async function GET(request: Request): Promise<Response> {
  const prepared = await prepareEvents(request);
  if (prepared.kind === 'refused') return prepared.response;
  const body = webEventStream(prepared.open, prepared.queueBytes, request.signal);
  return new Response(body, { headers: { ...prepared.headers, Connection: 'keep-alive' } });
}
