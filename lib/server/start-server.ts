import 'server-only';
import { getArchiver } from '@/lib/server/archive';
import { credentials } from '@/lib/server/auth';
import { bootstrapSqlFiles } from '@/lib/server/bootstrap';
import { config, ConfigError } from '@/lib/server/config';
import { getSupervisor } from '@/lib/server/hub';
import { getMirror } from '@/lib/server/mirror';
import { getPresence } from '@/lib/server/presence';
import { FAST_PATHS_KEY, type FastPath } from '@/lib/server/http/fast-paths.mjs';
import { serveList } from '@/lib/server/http/serve-list';
import { serveEvents } from '@/lib/server/live/serve-events';
import { startDraining, writesInFlight } from '@/lib/server/lifecycle';
import { errorMessage, log } from '@/lib/server/log';

// A shutdown (SIGTERM, SIGINT) ends within SHUTDOWN_DEADLINE_MS: the writes in flight get up to
// WRITES_WAIT_MS to finish, the archive's queue ARCHIVE_WAIT_MS, the mirror's lease MIRROR_WAIT_MS.
const SHUTDOWN_DEADLINE_MS = 10_000;
const WRITES_WAIT_MS = 5_000;
const ARCHIVE_WAIT_MS = 2_000;
const MIRROR_WAIT_MS = 2_000;

/** Validates the configuration, starts the hub, the change archive and the `.sql` bootstrap; never throws. */
export function startServer(): void {
  try {
    config();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `Invalid configuration: ${errorMessage(err)}`);
    process.exit(1);
  }
  try {
    // Now rather than on the first request: `npm start` prints the sign-in link from the
    // generated token file as soon as the server answers.
    credentials();
  } catch (err) {
    console.error(`Cannot set up credentials: ${errorMessage(err)}`);
    process.exit(1);
  }
  const supervisor = getSupervisor();
  const archiver = getArchiver();
  const presence = getPresence();
  const mirror = getMirror();
  // server.mjs serves these GETs straight to the socket, once they are here.
  (globalThis as Record<symbol, unknown>)[FAST_PATHS_KEY] = new Map<string, FastPath>([
    ['/api/events', serveEvents],
    ['/api/pipes', serveList],
  ]);
  const pipesDir = config().pipesDir;
  if (pipesDir) {
    void bootstrapSqlFiles(pipesDir).catch((err) => log.error('.sql bootstrap failed', { error: errorMessage(err) }));
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    // Ctrl-C under `npm start` brings SIGINT from the terminal and SIGTERM from the script.
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`, { writes_in_flight: writesInFlight().count, streams: supervisor.hub.listenerCount });
    // However it goes, the process ends within the deadline.
    setTimeout(() => {
      log.warn(`shutdown took over ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // Readiness fails from now on; server.mjs has stopped accepting connections.
    startDraining();
    // Every browser reconnects at once, to another instance behind the balancer.
    supervisor.hub.endStreams();
    if (!(await writesInFlight().settled(WRITES_WAIT_MS))) {
      log.warn('writes still in flight when the connection closes: their outcome is unknown', { writes: writesInFlight().count });
    }
    // The records of the last changes, while NATS is still open.
    await Promise.race([archiver.idle(), delay(ARCHIVE_WAIT_MS)]);
    archiver.stop();
    presence.stop();
    // The mirror lets its lease go while NATS is still open, so a standby takes over at once.
    await Promise.race([mirror.stop(), delay(MIRROR_WAIT_MS)]);
    await supervisor.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
