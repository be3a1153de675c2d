'use client';

import { useEffect, useState } from 'react';
import { mirrorView, type MirrorHealth } from './mirror-view';

const POLL_MS = 5_000;

/**
 * The pipes.json mirror's last write and WaveHouse's answer to its reload ("WaveHouse adopted
 * revision N", or its findings), read from /api/health. Renders nothing, and stops asking, when
 * the console runs without a mirror.
 */
export function MirrorStatus() {
  const [mirror, setMirror] = useState<MirrorHealth | undefined>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let off = false;
      try {
        const health = (await (await fetch('/api/health', { cache: 'no-store' })).json()) as { mirror?: MirrorHealth };
        off = !health.mirror || health.mirror.state === 'off';
        if (!stopped) setMirror(health.mirror);
      } catch {
        // The console is unreachable: the connection badge says so; try again later.
      }
      if (!stopped && !off) timer = setTimeout(next, POLL_MS);
    };
    // A hidden tab does not ask; it catches up once shown.
    const next = () => (document.hidden ? (timer = setTimeout(next, POLL_MS)) : void poll());
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  const view = mirrorView(mirror);
  if (!view) return null;
  const tone = {
    green: 'text-emerald-700 dark:text-emerald-400',
    amber: 'text-amber-700 dark:text-amber-400',
    red: 'text-red-700 dark:text-red-400',
    neutral: 'text-zinc-600 dark:text-zinc-400',
  }[view.tone];
  return (
    <details data-testid="mirror-status" className="text-xs">
      <summary className={`cursor-default list-none ${view.details.length ? 'cursor-pointer' : ''} ${tone}`}>
        <span role="status">{view.text}</span>
        {view.details.length > 0 && <span className="ml-1 text-zinc-500">({view.details.length})</span>}
      </summary>
      {view.details.length > 0 && (
        <ul className="mt-1 max-h-48 max-w-xl list-disc overflow-auto pl-5 font-mono text-zinc-700 dark:text-zinc-300">
          {view.details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
    </details>
  );
}
