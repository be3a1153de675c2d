// Starts the watched cache when the server boots. A throwing register() leaves `next start`
// answering 500 forever, so nothing here throws: a bad configuration ends the process with
// one clear message instead, and NATS is connected in the background.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('./lib/server/start-server');
  startServer();
}
