import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleServer } from './console-server.mjs';

// A stand-in for the app: a server.mjs that takes -H/-p as the real one does and answers
// /api/health with FAKE_HEALTH (200 by default) and the environment it was given. It exits by
// itself after a minute, so a test that fails before stopping it leaves nothing behind for long.
const appDir = mkdtempSync(path.join(tmpdir(), 'pipes-fake-app-'));
writeFileSync(
  path.join(appDir, 'server.mjs'),
  `import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
const { values } = parseArgs({ options: { hostname: { type: 'string', short: 'H' }, port: { type: 'string', short: 'p' } } });
if (process.env.FAKE_EXIT) { console.error('fake: giving up'); process.exit(3); }
setTimeout(() => process.exit(0), 60_000);
const { NODE_ENV, NATS_URL, PIPES_DIR, HOST, PORT, EXTRA } = process.env;
createServer((req, res) => {
  res.statusCode = req.url === '/api/health' ? Number(process.env.FAKE_HEALTH ?? 200) : 404;
  res.end(JSON.stringify({ NODE_ENV, NATS_URL, PIPES_DIR, HOST, PORT, EXTRA }));
}).listen(Number(values.port), values.hostname, () => console.log('fake: listening on ' + values.hostname + ':' + values.port));
`,
);
afterAll(() => rmSync(appDir, { recursive: true, force: true }));

let started: ConsoleServer | undefined;
afterEach(async () => {
  await started?.stop();
  started = undefined;
});

describe('startConsole', () => {
  it('starts the server on a free loopback port, with the environment it needs, and stops it', async () => {
    const before = performance.now();
    started = await startConsole('nats://127.0.0.1:4999', { appDir, env: { EXTRA: 'given', PIPES_DIR: '/given' } });
    const elapsed = performance.now() - before;
    expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
    expect(await (await fetch(`${started.url}/api/health`)).json()).toEqual({
      NODE_ENV: 'production',
      NATS_URL: 'nats://127.0.0.1:4999',
      PIPES_DIR: '/given', // the caller's env wins
      HOST: '127.0.0.1',
      PORT: String(started.port),
      EXTRA: 'given',
    });
    expect(started.output()).toContain(`fake: listening on 127.0.0.1:${started.port}`);
    // Milliseconds since the spawn, not a clock reading: within the time startConsole took.
    expect(started.lineAt(/fake: listening/)).toBeGreaterThan(0);
    expect(started.lineAt(/fake: listening/)).toBeLessThan(elapsed);
    expect(started.linesMatching(/listening/)).toHaveLength(1);
    await started.stop();
    expect(started.exited()).toBe(true);
  });

  it('waits for a 200 unless told that any answer will do', async () => {
    await expect(startConsole('nats://x', { appDir, env: { FAKE_HEALTH: '503' }, timeoutMs: 1_500 })).rejects.toThrow(
      /not healthy within 1500 ms \(last: HTTP 503\)[\s\S]*--- console output ---\nfake: listening/,
    );
    started = await startConsole('nats://x', { appDir, env: { FAKE_HEALTH: '503' }, waitHealthy: false });
    expect((await fetch(`${started.url}/api/health`)).status).toBe(503);
  });

  it('fails at once, with its output, when the server exits', async () => {
    const at = performance.now();
    await expect(startConsole('nats://x', { appDir, env: { FAKE_EXIT: '1' } })).rejects.toThrow(
      /the console exited\n--- console output ---\nfake: giving up/,
    );
    expect(performance.now() - at).toBeLessThan(5_000);
  });
});
