'use client';

import { useEffect, useState } from 'react';
import type { ConnectionState } from '@/lib/live/reducer';
import { useLive } from './live-provider';

const LOOK: Record<ConnectionState | 'nats-down' | 'jetstream-down', { label: string; dot: string }> = {
  connecting: { label: 'connecting', dot: 'bg-zinc-400' },
  live: { label: 'live', dot: 'bg-emerald-500' },
  reconnecting: { label: 'reconnecting', dot: 'bg-amber-500 animate-pulse' },
  offline: { label: 'offline', dot: 'bg-red-500' },
  'nats-down': { label: 'NATS unreachable', dot: 'bg-amber-500 animate-pulse' },
  'jetstream-down': { label: 'JetStream unavailable', dot: 'bg-amber-500 animate-pulse' },
};

/** live / reconnecting / offline, and how long ago the last change arrived. */
export function ConnectionBadge() {
  const connection = useLive((s) => s.connection);
  const nats = useLive((s) => s.nats);
  const jetstream = useLive((s) => s.jetstream);
  const lastChangeAt = useLive((s) => s.lastChangeAt);
  const now = useNow(1_000);
  const look =
    LOOK[
      connection !== 'live'
        ? connection
        : nats && nats !== 'connected'
          ? 'nats-down'
          : jetstream === 'unavailable'
            ? 'jetstream-down'
            : connection
    ];
  return (
    <span
      role="status"
      aria-live="polite"
      data-connection={connection}
      className="inline-flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400"
    >
      <span aria-hidden className={`size-2 rounded-full ${look.dot}`} />
      <span>{look.label}</span>
      {lastChangeAt !== undefined && now !== undefined && <span className="text-zinc-400">· last change {ago(now - lastChangeAt)}</span>}
    </span>
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

/** The current time, ticking; undefined during server rendering so markup matches. */
function useNow(intervalMs: number): number | undefined {
  const [now, setNow] = useState<number>();
  useEffect(() => {
    const tick = () => setNow(Date.now());
    tick();
    const timer = setInterval(tick, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
