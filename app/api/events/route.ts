import { config } from '@/lib/server/config';
import { getHub } from '@/lib/server/hub';
import { apiRoute } from '@/lib/server/http/api-route';
import { createEventStream } from '@/lib/server/live/event-stream';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', async (request) => {
  const hub = getHub();
  void hub.start();
  const lastId = Number(request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId') ?? NaN);
  const { pingMs, queueBytes } = config().live;
  const stream = createEventStream(hub, {
    lastEventId: Number.isSafeInteger(lastId) && lastId >= 0 ? lastId : undefined,
    pingMs,
    queueBytes,
    signal: request.signal,
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    },
  });
});
