import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from './run.mjs';

const spawned: ChildProcess[] = [];
// Whatever a failing test left running (a child that ignores SIGTERM, say) dies with it.
afterEach(() => {
  for (const proc of spawned.splice(0)) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

/** A node child that has run `setup` (signal handlers, say) and then idles until it is stopped. */
async function child(setup: string) {
  const proc = spawn(process.execPath, ['-e', `${setup}; setInterval(() => {}, 1000); console.log('ready')`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  spawned.push(proc);
  const exited = once(proc, 'exit');
  await once(proc.stdout, 'data');
  return { proc, exited };
}

const IGNORE_SIGTERM = "process.on('SIGTERM', () => {})";

describe('stopChild', () => {
  it.each([
    {
      does: 'stops a child with SIGTERM, not waiting for the deadline',
      setup: '',
      options: { graceMs: 10_000 },
      diesOf: 'SIGTERM',
      minMs: 0,
    },
    {
      does: 'kills a child that ignores SIGTERM once the deadline has passed',
      setup: IGNORE_SIGTERM,
      options: { graceMs: 300 },
      diesOf: 'SIGKILL',
      minMs: 290,
    },
    {
      does: 'sends the signal it is given first',
      setup: IGNORE_SIGTERM,
      options: { signal: 'SIGINT' as const, graceMs: 10_000 },
      diesOf: 'SIGINT',
      minMs: 0,
    },
  ])('$does', async ({ setup, options, diesOf, minMs }) => {
    const { proc, exited } = await child(setup);
    const started = performance.now();
    await stopChild(proc, exited, options);
    const took = performance.now() - started;
    expect(proc.signalCode).toBe(diesOf);
    expect(took).toBeGreaterThanOrEqual(minMs);
    expect(took).toBeLessThan(5_000);
  });

  it('resolves at once for a child that has already exited', async () => {
    const proc = spawn(process.execPath, ['-e', '']);
    await once(proc, 'exit');
    await stopChild(proc, new Promise(() => {}), { graceMs: 10_000 });
    expect(proc.exitCode).toBe(0);
  });
});
