export type ClusterNode = {
  /** The node's server name (n1, n2…), as the stream's cluster info names its leader. */
  name: string;
  /** nats://127.0.0.1:<client port>; the same after a restart. */
  url: string;
  readonly state: 'up' | 'frozen' | 'down';
  readonly pid: number | undefined;
  /** Starts it (again) on its ports with its store; resolves once it is ready. */
  start(): Promise<void>;
  /** SIGKILL; resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: connected and silent. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** SIGTERM (after a thaw), SIGKILL after 5 s. */
  end(): Promise<void>;
};

export type Cluster = {
  nodes: ClusterNode[];
  /** Every node's URL, comma-separated, as NATS_URL takes them. */
  servers: string;
  byName(name: string): ClusterNode | undefined;
  stop(): Promise<void>;
};

export function startCluster(options: { dir: string; size?: number }): Promise<Cluster>;
