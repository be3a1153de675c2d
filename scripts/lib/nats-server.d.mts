export type NatsServer = {
  pid: number;
  port: number;
  url: string;
  storeDir: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or the given signal), SIGKILL after 5 s; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export function startNatsServer(options: {
  storeDir: string;
  host?: string;
  port?: number;
  bin?: string;
  readyTimeoutMs?: number;
  extraArgs?: string[];
  /** Default true; false starts a server without JetStream. */
  jetstream?: boolean;
  /** Out of the terminal's process group: Ctrl-C reaches it only through stop(), after the console. */
  ownProcessGroup?: boolean;
}): Promise<NatsServer>;
