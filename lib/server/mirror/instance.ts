import 'server-only';
import { config } from '@/lib/server/config';
import { getSupervisor } from '@/lib/server/hub';
import { INSTANCE } from '@/lib/server/instance-name';
import { Mirror } from './mirror';

const holder = globalThis as typeof globalThis & { __pipesMirror?: Mirror };

/** The process's pipes.json mirror (off unless PIPES_MIRROR_DIR is set), started on first use. */
export function getMirror(): Mirror {
  if (!holder.__pipesMirror) {
    const supervisor = getSupervisor();
    const settings = config();
    holder.__pipesMirror = new Mirror({ ...settings.mirror, bucket: settings.bucket, instance: INSTANCE }, supervisor.hub);
    void holder.__pipesMirror.start(supervisor.opened);
  }
  return holder.__pipesMirror;
}
