export declare const DEFAULT_BUCKET: string;
export declare const LIVE_DEFAULTS: Readonly<{
  pingMs: number;
  ringEvents: number;
  ringBytes: number;
  queueBytes: number;
  presenceIntervalMs: number;
}>;
export declare const DEFAULT_HOST: string;
export declare const DEFAULT_PORT: number;
