import 'server-only';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '@/lib/server/config';
import { log } from '@/lib/server/log';

export type Credentials = {
  adminToken?: string;
  viewerToken?: string;
  jwtSecret?: string;
  roleClaim: string;
  adminRole: string;
  /** The admin token was generated because nothing was configured: the console is never open. */
  generated: boolean;
  /** HMAC key for session cookies, derived from the credentials: rotating one signs everyone out. */
  sessionKey: Buffer;
};

export const GENERATED_TOKEN_FILE = 'admin-token';

/**
 * The credentials in force. With none configured the console is never open: it generates an
 * admin token once, keeps it in `<dataDir>/admin-token` (mode 0600), and reuses it after.
 */
export function loadCredentials(cfg: Pick<Config, 'auth' | 'dataDir'>): Credentials {
  const { adminToken, viewerToken, jwtSecret, roleClaim, adminRole } = cfg.auth;
  const generated = !adminToken && !viewerToken && !jwtSecret;
  const admin = generated ? readOrCreateToken(path.join(cfg.dataDir, GENERATED_TOKEN_FILE)) : adminToken;
  const sessionKey = createHash('sha256')
    .update(['pipes-console session v1', admin ?? '', viewerToken ?? '', jwtSecret ?? ''].join('\0'))
    .digest();
  return { adminToken: admin, viewerToken, jwtSecret, roleClaim, adminRole, generated, sessionKey };
}

function readOrCreateToken(file: string): string {
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  } catch {
    // not there yet
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  log.info('no credential configured: generated an admin token', { file });
  return token;
}

/** Compares secrets in constant time, whatever their lengths. */
export function sameSecret(given: string, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
