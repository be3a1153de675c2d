export type ConsoleOptions = {
  /** The app whose server.mjs and .next to run (a copy of the build, say); default the repository. */
  appDir?: string;
  /** More environment for the server; wins over the launcher's own. */
  env?: Record<string, string>;
  /** Flags for node itself, e.g. --cpu-prof (which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
  /** `server.mjs`, as `npm start` runs it, or plain `next start`, where the route handler serves /api/events. */
  server?: 'server.mjs' | 'next-start';
  /**
   * Default true: the server is told to listen on 127.0.0.1 (`-H`, `HOST`). false gives it neither,
   * to test its own default; the URL still names 127.0.0.1.
   */
  hostGiven?: boolean;
  /** The port to listen on (a restarted instance keeps its address); default a free one. */
  port?: number;
};

export type ConsoleServer = {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  /** performance.now() just before spawn(). */
  spawnedAt: number;
  /** Everything the server printed so far, stdout and stderr. */
  output(): string;
  /** When the first output line matching `re` arrived, in ms after spawnedAt. */
  lineAt(re: RegExp): number | undefined;
  /** The output lines matching `re`, each with when it arrived (ms after spawnedAt, rounded). */
  linesMatching(re: RegExp): { at: number; text: string }[];
  exited(): boolean;
  /** The exit code once it exited on its own (null while running, or when a signal ended it). */
  exitCode(): number | null;
  /** SIGTERM, SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
};

export function spawnConsole(natsUrl: string, options?: ConsoleOptions): Promise<ConsoleServer>;

export function startConsole(
  natsUrl: string,
  options?: ConsoleOptions & { waitHealthy?: boolean; timeoutMs?: number },
): Promise<ConsoleServer>;
