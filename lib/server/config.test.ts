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
    });
    expect(c.nats.servers).toEqual(['nats://127.0.0.1:4222']);
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
  ])('rejects %o with one message naming the variable', (env, message) => {
    expect(() => parseConfig({ ...base, ...env })).toThrow(message);
  });

  it('refuses to run without NATS_URL and says how to get an embedded server', () => {
    expect(() => parseConfig({})).toThrow('Invalid configuration: NATS_URL is not set (use `npm start` for an embedded nats-server)');
  });
});
