import 'server-only';
import { config } from '@/lib/server/config';
import { getSupervisor } from '@/lib/server/hub';
import { Presence } from './presence';

const holder = globalThis as typeof globalThis & { __pipesPresence?: Presence };

/** The process's presence, joined to the other instances once the NATS link is open. */
export function getPresence(): Presence {
  if (!holder.__pipesPresence) {
    const settings = config();
    holder.__pipesPresence = new Presence(settings.presence.intervalMs, settings.bucket);
    void holder.__pipesPresence.start(getSupervisor().opened);
  }
  return holder.__pipesPresence;
}
