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

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const UNIT_BYTES = { '': 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1e3, MB: 1e6, GB: 1e9 } as const;

/** A "<number><unit>" setting: the unit table maps each suffix to a multiplier. */
const measure = (units: Record<string, number>, fallback: string, min: number, hint: string) =>
  optionalText.pipe(
    z
      .string()
      .default(fallback)
      .transform((v, ctx) => {
        const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(v.trim());
        const factor = m ? units[m[2]!] : undefined;
        const n = m && factor !== undefined ? Math.round(Number(m[1]) * factor) : NaN;
        if (!(n >= min) || !Number.isSafeInteger(n)) {
          ctx.addIssue({ code: 'custom', message: `must be ${hint}, got "${v}"` });
          return z.NEVER;
        }
        return n;
      }),
  );

// JetStream stream names: no spaces, dots, wildcards or path separators; "off" runs without an archive.
const streamName = optionalText.pipe(
  z
    .string()
    .regex(/^[-\w]+$/, 'must contain only letters, digits, "-" and "_" (or be "off")')
    .default('PIPES_AUDIT'),
);

const httpUrl = optionalText.pipe(
  z
    .string()
    .optional()
    .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v.trim()), 'must be an http:// or https:// URL'),
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
  PIPES_PRESENCE_INTERVAL_MS: intIn(100, 600_000, LIVE_DEFAULTS.presenceIntervalMs),
  PIPES_AUDIT_STREAM: streamName,
  PIPES_AUDIT_MAX_AGE: measure(UNIT_MS, '365d', 1_000, 'a duration such as 90d, 12h, 30m or 3600s'),
  PIPES_AUDIT_MAX_BYTES: measure(UNIT_BYTES, '1GiB', 64 * 1024, 'a size of at least 64KiB such as 1GiB, 500MiB or 1048576'),
  PIPES_MIRROR_DIR: optionalText,
  PIPES_MIRROR_RELOAD_URL: httpUrl,
  PIPES_MIRROR_RELOAD_TOKEN: optionalText,
  PIPES_METRICS_TOKEN: optionalText,
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
    /** A bearer token for GET /api/metrics alone (a Prometheus scraper), beside any credential. */
    metricsToken?: string;
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
  /** How often a tab reports its presence; a tab silent for three intervals is gone. */
  presence: { intervalMs: number };
  /** The change archive: a JetStream stream of every revision, kept for `maxAgeMs` and up to `maxBytes`; stream "off": none. */
  archive: { stream: string; maxAgeMs: number; maxBytes: number };
  /** The pipes.json mirror: off without `dir`; `reloadUrl` is WaveHouse's settings reload, POSTed after each write. */
  mirror: { dir?: string; reloadUrl?: string; reloadToken?: string };
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
  if (e.PIPES_MIRROR_RELOAD_URL && !e.PIPES_MIRROR_DIR) {
    throw new ConfigError('Invalid configuration: PIPES_MIRROR_RELOAD_URL needs PIPES_MIRROR_DIR (the directory WaveHouse reloads)');
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
      metricsToken: e.PIPES_METRICS_TOKEN,
    },
    live: {
      pingMs: e.PIPES_SSE_PING_MS,
      ringEvents: e.PIPES_RING_EVENTS,
      ringBytes: e.PIPES_RING_BYTES,
      queueBytes: e.PIPES_SSE_QUEUE_BYTES,
    },
    presence: { intervalMs: e.PIPES_PRESENCE_INTERVAL_MS },
    archive: { stream: e.PIPES_AUDIT_STREAM, maxAgeMs: e.PIPES_AUDIT_MAX_AGE, maxBytes: e.PIPES_AUDIT_MAX_BYTES },
    mirror: { dir: e.PIPES_MIRROR_DIR, reloadUrl: e.PIPES_MIRROR_RELOAD_URL?.trim(), reloadToken: e.PIPES_MIRROR_RELOAD_TOKEN },
  };
}

const holder = globalThis as typeof globalThis & { __pipesConfig?: Config };

/** The process's configuration, parsed on first use. */
export function config(): Config {
  holder.__pipesConfig ??= parseConfig(process.env);
  return holder.__pipesConfig;
}
