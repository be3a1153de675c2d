import 'server-only';
import { config } from '@/lib/server/config';
import { BucketSupervisor } from './bucket-supervisor';
import { Hub } from './hub';

// Next evaluates a server module more than once (instrumentation, each route bundle), so the
// process's one hub and its supervisor live on globalThis, created on first use.
const holder = globalThis as typeof globalThis & { __pipesSupervisor?: BucketSupervisor };

/** The process's bucket supervisor, started on first use (it connects in the background). */
export function getSupervisor(): BucketSupervisor {
  if (!holder.__pipesSupervisor) {
    const settings = config();
    const hub = new Hub({ bucket: settings.bucket, ringEvents: settings.live.ringEvents, ringBytes: settings.live.ringBytes });
    holder.__pipesSupervisor = new BucketSupervisor(settings, hub);
    void holder.__pipesSupervisor.start();
  }
  return holder.__pipesSupervisor;
}

/** The process's watched cache. */
export function getHub(): Hub {
  return getSupervisor().hub;
}
