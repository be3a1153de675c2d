// Defaults shared by the server's configuration, the tests and the benchmarks (plain JS, so the
// benchmarks' plain-node scripts can import it too). Each default lives here and nowhere else.

/** The KV bucket WaveHouse keeps its pipes in. */
export const DEFAULT_BUCKET = 'WAVEHOUSE_PIPES';

/** Live channel tuning. */
export const LIVE_DEFAULTS = Object.freeze({
  /** Interval of `: ping` comments on every event stream: proxies close streams idle longer. */
  pingMs: 15_000,
  /** Recent changes kept for resuming clients, by count and by encoded bytes. */
  ringEvents: 10_000,
  ringBytes: 16 * 1024 ** 2,
  /** Bytes queued for one client before it counts as behind. */
  queueBytes: 1024 ** 2,
  /** How often a tab reports its presence (a tab silent for three intervals is gone). */
  presenceIntervalMs: 10_000,
});

/** Where the console listens: loopback unless HOST says otherwise, so exposing it is deliberate. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3000;
