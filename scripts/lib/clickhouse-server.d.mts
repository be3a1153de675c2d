export type ClickHouseServer = {
  pid: number;
  /** HTTP interface (queries, /ping) on 127.0.0.1. */
  httpPort: number;
  /** Native protocol on 127.0.0.1, for clickhouse-client --port. */
  tcpPort: number;
  /** http://127.0.0.1:<httpPort> */
  url: string;
  /** Absolute: config.xml, users.xml, data/, tmp/, log/… */
  dir: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * SIGTERM (or the given signal), SIGKILL after 5 s; resolves when the process has exited. A query
   * still running holds SIGTERM up past the 5 s: KILL QUERY it first for a clean exit (code 0).
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

/**
 * Users, all without a password: `default` (profile default) and `readonly` (readonly=2: no
 * writes or DDL, but per-request limits such as max_execution_time are still accepted).
 */
export function startClickHouse(options: {
  /** Created if missing; holds everything the server writes. */
  dir: string;
  /** Default `clickhouse-server` on PATH (Debian: /usr/sbin/clickhouse-server). */
  bin?: string;
  /** Default 30 000. */
  readyTimeoutMs?: number;
}): Promise<ClickHouseServer>;
