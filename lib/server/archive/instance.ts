import 'server-only';
import { config } from '@/lib/server/config';
import { getSupervisor } from '@/lib/server/hub';
import { Archiver } from './archiver';

const holder = globalThis as typeof globalThis & { __pipesArchiver?: Archiver };

/** The process's change archive, started with the supervisor's link and bucket on first use. */
export function getArchiver(): Archiver {
  if (!holder.__pipesArchiver) {
    const supervisor = getSupervisor();
    const settings = config();
    holder.__pipesArchiver = new Archiver({ ...settings.archive, bucket: settings.bucket }, supervisor.hub);
    void holder.__pipesArchiver.start(supervisor.opened);
  }
  return holder.__pipesArchiver;
}
