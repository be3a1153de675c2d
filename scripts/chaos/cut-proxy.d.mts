export type CutProxy = {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Connections open through it now. */
  readonly open: number;
  /** How many times cutAll() was called. */
  readonly cuts: number;
  /** Resets every open connection, both sides. */
  cutAll(): void;
  stop(): Promise<void>;
};

export function startCutProxy(target: { port: number; host?: string }): Promise<CutProxy>;
