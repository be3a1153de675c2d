import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const base = { NATS_URL: 'nats://127.0.0.1:4222' };

describe('parseConfig', () => {
  it('applies the defaults of SPEC §2', () => {
    const c = parseConfig(base);
    expect(c).toMatchObject({ bucket: 'WAVEHOUSE_PIPES', history: 3, host: '127.0.0.1', port: 3000, auth: { roleClaim: 'role', adminRole: 'admin' } });
    expect(c.nats.servers).toEqual(['nats://127.0.0.1:4222']);
  });

  it('splits comma-separated NATS URLs and treats blank variables as unset', () => {
    const c = parseConfig({ NATS_URL: 'nats://a:4222, nats://b:4222', PIPES_DIR: '  ', PORT: '' });
    expect(c.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(c.pipesDir).toBeUndefined();
    expect(c.port).toBe(3000);
  });

  it.each([
    [{ PORT: '70000' }, /^Invalid configuration: PORT must be a whole number from 1 to 65535/],
    [{ PORT: 'abc' }, /PORT/],
    [{ PIPES_HISTORY: '0' }, /PIPES_HISTORY/],
    [{ PIPES_BUCKET: 'bad.name' }, /PIPES_BUCKET/],
    [{ NATS_URL: 'http://x y' }, /NATS_URL/],
    [{ NATS_USER: 'u' }, /NATS_USER and NATS_PASSWORD/],
  ])('rejects %o with one message naming the variable', (env, message) => {
    expect(() => parseConfig({ ...base, ...env })).toThrow(message);
  });

  it('refuses to run without NATS_URL and says how to get an embedded server', () => {
    expect(() => parseConfig({})).toThrow(/NATS_URL is not set.*npm start/);
  });
});
