import { config } from '@/lib/server/config';
import { getHub } from '@/lib/server/hub';
import { apiRoute } from '@/lib/server/http/api-route';
import { createEventStream } from '@/lib/server/live/event-stream';
import { EVENT_STREAM_HEADERS, lastEventIdOf } from '@/lib/server/live/event-stream-request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Under `server.mjs` this route is never reached: lib/server/live/serve-events.ts answers first.
export const GET = apiRoute('read', async (request) => {
  const hub = getHub();
  void hub.start();
  const { pingMs, queueBytes } = config().live;
  const stream = createEventStream(hub, { lastEventId: lastEventIdOf(request), pingMs, queueBytes, signal: request.signal });
  return new Response(stream, { headers: { ...EVENT_STREAM_HEADERS, Connection: 'keep-alive' } });
});
