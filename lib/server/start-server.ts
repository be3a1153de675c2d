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
import { errorMessage, log } from '@/lib/server/log';

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
  const shutdown = (signal: string) => {
    log.info(`${signal}: closing the NATS connection`);
    archiver.stop();
    presence.stop();
    // The mirror lets its lease go while NATS is still open, so a standby takes over at once.
    void Promise.race([mirror.stop(), new Promise((resolve) => setTimeout(resolve, 2_000))])
      .then(() => supervisor.stop())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
