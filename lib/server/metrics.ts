import 'server-only';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { getArchiver } from '@/lib/server/archive/instance';
import { getSupervisor } from '@/lib/server/hub';
import { liveStats } from '@/lib/server/live/live-stats';
import { getPresence } from '@/lib/server/presence';
import { LinkState } from '@/lib/live/protocol';

// GET /api/metrics in Prometheus's text format. Most figures are read from the parts that keep
// them when a scrape asks (collect); the hot paths only add to plain counters (live-stats.ts)
// or, for writes, observe one histogram per write.

export type WriteOutcome = 'ok' | 'conflict' | 'refused' | 'unavailable' | 'error';

type Metrics = { registry: Registry; writeSeconds: Histogram<'outcome'> };

// The bucket's revision is asked of NATS at each scrape: a server that does not answer soon
// leaves the lag out rather than holding the scrape.
const BUCKET_REVISION_WAIT_MS = 1_000;

/** A counter kept elsewhere as a plain running total: each scrape adds what it grew by. */
function mirrored(registry: Registry, name: string, help: string, read: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      this.inc(now - reported);
      reported = now;
    },
  });
}

function gauge(registry: Registry, name: string, help: string, read: () => number | undefined | Promise<number | undefined>): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const value = await read();
      if (value === undefined) this.reset();
      else this.set(value);
    },
  });
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pipes_console_' });
  const supervisor = () => getSupervisor();
  const hub = () => getSupervisor().hub;
  const status = () => hub().status();
  gauge(registry, 'pipes_console_nats_connected', 'Whether the NATS link is up (1) or not (0).', () =>
    status().nats === LinkState.connected ? 1 : 0,
  );
  gauge(registry, 'pipes_console_jetstream_available', 'Whether JetStream answers (1) or not (0).', () =>
    status().jetstream === 'available' ? 1 : 0,
  );
  mirrored(
    registry,
    'pipes_console_nats_reconnects_total',
    'Times the NATS link came back after it was lost.',
    () => supervisor().reconnects,
  );
  gauge(registry, 'pipes_console_cache_ready', 'Whether the cache has loaded the bucket (1) or not (0).', () => (status().ready ? 1 : 0));
  gauge(registry, 'pipes_console_cache_revision', 'The bucket revision the cache has applied.', () => status().revision);
  gauge(registry, 'pipes_console_watch_lag_revisions', "The bucket's last revision minus the cache's.", async () => {
    const last = await Promise.race([supervisor().bucketRevision(), new Promise<undefined>((r) => setTimeout(r, BUCKET_REVISION_WAIT_MS))]);
    return last === undefined ? undefined : Math.max(0, last - status().revision);
  });
  gauge(registry, 'pipes_console_cached_pipes', 'Pipes in the cache.', () => status().pipes);
  gauge(registry, 'pipes_console_ring_changes', 'Recent changes kept for resuming clients.', () => hub().ringSize);
  gauge(registry, 'pipes_console_sse_clients', 'Open event streams.', () => hub().listenerCount);
  const stats = liveStats();
  mirrored(registry, 'pipes_console_sse_events_sent_total', 'Events written to event streams.', () => stats.events);
  mirrored(registry, 'pipes_console_sse_bytes_sent_total', 'Bytes written to event streams.', () => stats.bytes);
  mirrored(registry, 'pipes_console_sse_clients_behind_total', 'Times an event stream fell behind (its queue full).', () => stats.behind);
  mirrored(registry, 'pipes_console_sse_resyncs_total', 'Fresh snapshots sent to streams that had fallen behind.', () => stats.resyncs);
  gauge(
    registry,
    'pipes_console_archive_queued',
    'Changes waiting to be stored in the change archive (its lag).',
    () => getArchiver().status().queued,
  );
  gauge(registry, 'pipes_console_archive_degraded', 'Whether the change archive cannot be written (1) or can (0).', () =>
    getArchiver().status().archive === 'degraded' ? 1 : 0,
  );
  gauge(registry, 'pipes_console_presence_entries', 'Users with a pipe open, over every instance.', () => getPresence().entries().length);
  const writeSeconds = new Histogram({
    name: 'pipes_console_write_duration_seconds',
    help: 'PUT and DELETE of a pipe, from the request to the answer, by outcome.',
    labelNames: ['outcome'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, writeSeconds };
}

const holder = globalThis as typeof globalThis & { __pipesMetrics?: Metrics };

/** The process's metrics (on globalThis: Next evaluates this module once per bundle). */
export function metrics(): Metrics {
  return (holder.__pipesMetrics ??= createMetrics());
}
