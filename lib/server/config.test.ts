import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const base = { NATS_URL: 'nats://127.0.0.1:4222' };

describe('parseConfig', () => {
  it('applies the documented defaults (README, "Configuration")', () => {
    const c = parseConfig(base);
    expect(c).toMatchObject({
      bucket: 'WAVEHOUSE_PIPES',
      history: 3,
      dataDir: '.data',
      auth: { roleClaim: 'role', adminRole: 'admin' },
      live: { pingMs: 15_000, ringEvents: 10_000, ringBytes: 16 * 1024 * 1024, queueBytes: 1024 * 1024 },
      archive: { stream: 'PIPES_AUDIT', maxAgeMs: 365 * 86_400_000, maxBytes: 1024 ** 3 },
      presence: { intervalMs: 10_000 },
    });
    expect(c.nats.servers).toEqual(['nats://127.0.0.1:4222']);
  });

  it('reads archive durations and sizes with their units', () => {
    const c = parseConfig({ ...base, PIPES_AUDIT_MAX_AGE: '12h', PIPES_AUDIT_MAX_BYTES: '500MiB' });
    expect(c.archive).toEqual({ stream: 'PIPES_AUDIT', maxAgeMs: 12 * 3_600_000, maxBytes: 500 * 1024 ** 2 });
  });

  it('reads the mirror directory, reload URL and token', () => {
    const c = parseConfig({
      ...base,
      PIPES_MIRROR_DIR: '/srv/wh',
      PIPES_MIRROR_RELOAD_URL: 'http://127.0.0.1:8080/v1/ops/settings/reload',
      PIPES_MIRROR_RELOAD_TOKEN: 't',
    });
    expect(c.mirror).toEqual({ dir: '/srv/wh', reloadUrl: 'http://127.0.0.1:8080/v1/ops/settings/reload', reloadToken: 't' });
  });

  it('refuses a mirror reload URL without a mirror directory', () => {
    expect(() => parseConfig({ ...base, PIPES_MIRROR_RELOAD_URL: 'http://127.0.0.1:8080/x' })).toThrow(
      /PIPES_MIRROR_RELOAD_URL needs PIPES_MIRROR_DIR/,
    );
  });

  it('refuses a mirror reload URL that is not http or https', () => {
    expect(() => parseConfig({ ...base, PIPES_MIRROR_DIR: '/d', PIPES_MIRROR_RELOAD_URL: 'ftp://x/y' })).toThrow(
      /PIPES_MIRROR_RELOAD_URL must be an http/,
    );
  });

  it('splits comma-separated NATS URLs', () => {
    const c = parseConfig({ NATS_URL: 'nats://a:4222, nats://b:4222' });
    expect(c.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('treats a blank variable as unset', () => {
    const c = parseConfig({ ...base, PIPES_DIR: '  ', PIPES_HISTORY: '' });
    expect(c.pipesDir).toBeUndefined();
    expect(c.history).toBe(3);
  });

  it.each([
    [{ PIPES_HISTORY: '0' }, 'Invalid configuration: PIPES_HISTORY must be a whole number from 1 to 64, got "0"'],
    [{ PIPES_HISTORY: 'abc' }, 'Invalid configuration: PIPES_HISTORY must be a whole number from 1 to 64, got "abc"'],
    [{ PIPES_SSE_PING_MS: '20000' }, 'Invalid configuration: PIPES_SSE_PING_MS must be a whole number from 100 to 15000, got "20000"'],
    [{ PIPES_BUCKET: 'bad.name' }, 'Invalid configuration: PIPES_BUCKET must contain only letters, digits, "-" and "_"'],
    [{ NATS_URL: 'http://x y' }, 'Invalid configuration: NATS_URL must be a comma-separated list of nats:// URLs or host:port'],
    [{ NATS_USER: 'u' }, 'Invalid configuration: NATS_USER and NATS_PASSWORD must be set together'],
    [
      { PIPES_AUDIT_MAX_AGE: '10 weeks' },
      'Invalid configuration: PIPES_AUDIT_MAX_AGE must be a duration such as 90d, 12h, 30m or 3600s, got "10 weeks"',
    ],
    [
      { PIPES_AUDIT_MAX_BYTES: '1TB' },
      'Invalid configuration: PIPES_AUDIT_MAX_BYTES must be a size of at least 64KiB such as 1GiB, 500MiB or 1048576, got "1TB"',
    ],
    [
      { PIPES_AUDIT_STREAM: 'a.b' },
      'Invalid configuration: PIPES_AUDIT_STREAM must contain only letters, digits, "-" and "_" (or be "off")',
    ],
  ])('rejects %o with one message naming the variable', (env, message) => {
    expect(() => parseConfig({ ...base, ...env })).toThrow(message);
  });

  it('refuses to run without NATS_URL and says how to get an embedded server', () => {
    expect(() => parseConfig({})).toThrow('Invalid configuration: NATS_URL is not set (use `npm start` for an embedded nats-server)');
  });
});
