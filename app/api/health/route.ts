import { getArchiver } from '@/lib/server/archive';
import { getHub } from '@/lib/server/hub';
import { json } from '@/lib/server/http/error-response';
import { isDraining, writesInFlight } from '@/lib/server/lifecycle';
import { getMirror } from '@/lib/server/mirror';

export const dynamic = 'force-dynamic';

// Readiness, open to everyone (load balancers): whether this instance can serve — 503 while
// NATS or JetStream is away, the cache not loaded yet, or the process shutting down.
// Liveness is /api/health/live.
export async function GET(): Promise<Response> {
  const hub = getHub();
  const s = hub.status();
  const draining = isDraining();
  const ok = hub.healthy() && !draining;
  return json(ok ? 200 : 503, {
    status: ok ? 'ok' : draining ? 'draining' : 'unavailable',
    nats: s.nats,
    jetstream: s.jetstream,
    ready: s.ready,
    revision: s.revision,
    pipes: s.pipes,
    // Open SSE streams on this instance, and its writes to the bucket not yet answered.
    clients: hub.listenerCount,
    writes_in_flight: writesInFlight().count,
    // A degraded archive leaves the live path serving: it does not make the instance unhealthy.
    ...archiveHealth(),
    mirror: mirrorHealth(),
    ...(ok || !s.lastError ? {} : { error: s.lastError }),
  });
}

function archiveHealth() {
  const { archive, stream, queued, filling, error } = getArchiver().status();
  return { archive, archive_stream: stream, archive_queued: queued, archive_filling: filling, ...(error ? { archive_error: error } : {}) };
}

/** The pipes.json mirror, as the writing instance last published it (WaveHouse's reload answer included). */
function mirrorHealth() {
  const { state, dir, writer, holder, last, error } = getMirror().status();
  if (state === 'off') return { state };
  return {
    state,
    dir,
    writer,
    holder,
    ...(last
      ? {
          revision: last.revision,
          written_at: last.writtenAt,
          pipes: last.pipes,
          left_out: last.leftOut,
          left_out_count: last.leftOutCount,
          reload: last.reload,
        }
      : {}),
    ...(error ? { error } : {}),
  };
}
