import 'server-only';
import { authorize } from '@/lib/server/auth';
import { config } from '@/lib/server/config';
import { errorResponse } from '@/lib/server/http/error-response';
import { getHub, type Hub } from '@/lib/server/hub';
import { getPresence } from '@/lib/server/presence';
import { STATIC_SECURITY_HEADERS } from '@/lib/server/security-headers';
import { liveStats } from './live-stats';
import { PingRound } from './ping-round';
import { openSubscription, type EventSink, type Subscription } from './subscription';

// Next evaluates a server module more than once (the route, the fast path): one round per process.
const holder = globalThis as typeof globalThis & { __pipesPingRound?: PingRound };

/** An event stream's own headers: no caching, no proxy buffering. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  ...STATIC_SECURITY_HEADERS,
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/** What `GET /api/events` answers, decided once for both transports; they only write bytes. */
export type PreparedEvents =
  | { kind: 'refused'; response: Response }
  | {
      kind: 'stream';
      headers: Readonly<Record<string, string>>;
      /** Bytes queued for this client before it counts as behind. */
      queueBytes: number;
      /** Starts the client's event sequence into `sink`. */
      open(sink: EventSink): Subscription;
    };

/**
 * Checks the credential and the hub, and prepares one client's stream: the transport
 * (server.mjs's raw socket, or the route handler's web stream) writes it.
 */
export async function prepareEvents(request: Request, hub: Hub = getHub()): Promise<PreparedEvents> {
  try {
    await authorize(request, 'read');
    // Say so instead of streaming silence.
    hub.assertJetStream();
  } catch (err) {
    return { kind: 'refused', response: errorResponse(err) };
  }
  const { pingMs, queueBytes } = config().live;
  const pings = (holder.__pipesPingRound ??= new PingRound(pingMs));
  const lastEventId = lastEventIdOf(request);
  return {
    kind: 'stream',
    headers: EVENT_STREAM_HEADERS,
    queueBytes,
    open: (sink) => openSubscription(hub, sink, { lastEventId, pings, presence: getPresence(), stats: liveStats() }),
  };
}

/** The id a reconnecting client resumes from: EventSource's Last-Event-ID, or `?lastEventId=`. */
export function lastEventIdOf(request: Request): number | undefined {
  const raw = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
  const id = Number(raw ?? NaN);
  return Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}
