import 'server-only';
import { z } from 'zod';
import { DEFAULT_BUCKET, LIVE_DEFAULTS } from '@/lib/defaults.mjs';

// The environment, parsed and validated once per process (README, "Configuration"). A bad value stops the
// start with one message naming the variable.

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const natsUrl = optionalText.pipe(
  z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v.split(',').every((u) => /^(nats|tls|ws|wss):\/\/[^\s,]+$|^[\w.-]+(:\d+)?$/.test(u.trim())),
      'must be a comma-separated list of nats:// URLs or host:port',
    ),
);

const intIn = (min: number, max: number, fallback: number) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${v}"` });
          return z.NEVER;
        }
        return n;
      }),
  );

const ConfigSchema = z.object({
  NATS_URL: natsUrl,
  NATS_CREDS: optionalText,
  NATS_USER: optionalText,
  NATS_PASSWORD: optionalText,
  NATS_TOKEN: optionalText,
  // KV bucket names: letters, digits, '-' and '_' (nats.js validateBucket).
  PIPES_BUCKET: optionalText.pipe(
    z
      .string()
      .regex(/^[-\w]+$/, 'must contain only letters, digits, "-" and "_"')
      .default(DEFAULT_BUCKET),
  ),
  PIPES_HISTORY: intIn(1, 64, 3),
  PIPES_DIR: optionalText,
  PIPES_ADMIN_TOKEN: optionalText,
  PIPES_VIEWER_TOKEN: optionalText,
  PIPES_JWT_SECRET: optionalText,
  PIPES_ROLE_CLAIM: optionalText.pipe(z.string().default('role')),
  PIPES_ADMIN_ROLE: optionalText.pipe(z.string().default('admin')),
  // Where the generated admin token lives when no credential is configured.
  PIPES_DATA_DIR: optionalText.pipe(z.string().default('.data')),
  // Live channel tuning; mostly for tests and benchmarks.
  PIPES_SSE_PING_MS: intIn(100, 15_000, LIVE_DEFAULTS.pingMs),
  PIPES_RING_EVENTS: intIn(0, 1_000_000, LIVE_DEFAULTS.ringEvents),
  PIPES_RING_BYTES: intIn(0, 1024 ** 3, LIVE_DEFAULTS.ringBytes),
  PIPES_SSE_QUEUE_BYTES: intIn(16 * 1024, 256 * 1024 ** 2, LIVE_DEFAULTS.queueBytes),
});

type Env = z.infer<typeof ConfigSchema>;

export type Config = {
  nats: {
    servers: string[];
    creds?: string;
    user?: string;
    password?: string;
    token?: string;
  };
  bucket: string;
  history: number;
  pipesDir?: string;
  dataDir: string;
  auth: {
    adminToken?: string;
    viewerToken?: string;
    jwtSecret?: string;
    roleClaim: string;
    adminRole: string;
  };
  live: {
    /** Interval of `: ping` comments on every SSE stream. */
    pingMs: number;
    /** Recent changes kept for resuming clients, bounded by count and by encoded bytes. */
    ringEvents: number;
    ringBytes: number;
    /** Bytes queued for one SSE client before it counts as behind (then it gets a snapshot). */
    queueBytes: number;
  };
};

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e: Env = parsed.data;
  if (!e.NATS_URL) {
    // `npm start` sets NATS_URL to its embedded server; a bare `next start` has nothing to use.
    throw new ConfigError('Invalid configuration: NATS_URL is not set (use `npm start` for an embedded nats-server)');
  }
  if ((e.NATS_USER === undefined) !== (e.NATS_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration: NATS_USER and NATS_PASSWORD must be set together');
  }
  return {
    nats: {
      servers: e.NATS_URL.split(',').map((s) => s.trim()),
      creds: e.NATS_CREDS,
      user: e.NATS_USER,
      password: e.NATS_PASSWORD,
      token: e.NATS_TOKEN,
    },
    bucket: e.PIPES_BUCKET,
    history: e.PIPES_HISTORY,
    pipesDir: e.PIPES_DIR,
    dataDir: e.PIPES_DATA_DIR,
    auth: {
      adminToken: e.PIPES_ADMIN_TOKEN,
      viewerToken: e.PIPES_VIEWER_TOKEN,
      jwtSecret: e.PIPES_JWT_SECRET,
      roleClaim: e.PIPES_ROLE_CLAIM,
      adminRole: e.PIPES_ADMIN_ROLE,
    },
    live: {
      pingMs: e.PIPES_SSE_PING_MS,
      ringEvents: e.PIPES_RING_EVENTS,
      ringBytes: e.PIPES_RING_BYTES,
      queueBytes: e.PIPES_SSE_QUEUE_BYTES,
    },
  };
}

const holder = globalThis as typeof globalThis & { __pipesConfig?: Config };

/** The process's configuration, parsed on first use. */
export function config(): Config {
  holder.__pipesConfig ??= parseConfig(process.env);
  return holder.__pipesConfig;
}
