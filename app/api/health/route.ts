import { getArchiver } from '@/lib/server/archive';
import { getHub } from '@/lib/server/hub';
import { json } from '@/lib/server/http/error-response';
import { getMirror } from '@/lib/server/mirror';

export const dynamic = 'force-dynamic';

// Open to everyone (load balancers): says only whether this instance can serve.
export async function GET(): Promise<Response> {
  const hub = getHub();
  const s = hub.status();
  const ok = hub.healthy();
  return json(ok ? 200 : 503, {
    status: ok ? 'ok' : 'unavailable',
    nats: s.nats,
    jetstream: s.jetstream,
    ready: s.ready,
    revision: s.revision,
    pipes: s.pipes,
    // Open SSE streams on this instance.
    clients: hub.listenerCount,
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
