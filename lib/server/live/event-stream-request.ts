import 'server-only';

/** SPEC §4's response headers, on both ways of serving `/api/events`. */
export const EVENT_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

/** The id a reconnecting client resumes from: EventSource's Last-Event-ID, or `?lastEventId=`. */
export function lastEventIdOf(request: Request): number | undefined {
  const raw = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
  const id = Number(raw ?? NaN);
  return Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}
