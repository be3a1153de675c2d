import { describe, expect, it } from 'vitest';
import { ArchiveWriter, type ArchivePort } from './archive-writer';
import type { ArchiveRecord, Attribution } from './record';

const ana: Attribution = { user: 'ana', role: 'admin', via: 'session', instance: 'a' };
const record = (revision: number, by?: Attribution, confirmed?: true): ArchiveRecord => ({
  bucket: 'B',
  epoch: '2026-12-01T00:00:00Z',
  key: 'k',
  revision,
  operation: 'PUT',
  updated: '2026-12-01T00:00:00.000Z',
  value: { name: 'k', sql: `SELECT ${revision}` },
  ...(by ? { by } : {}),
  ...(confirmed ? { confirmed } : {}),
});
const bob: Attribution = { user: 'bob', role: 'admin', via: 'token', instance: 'b' };

/** A stream in memory with one record per revision, as the real one keeps them. */
function memoryStream() {
  const stored = new Map<number, { seq: number; record: ArchiveRecord }>();
  const state = { seq: 0, down: false, ensures: 0, refuse: new Set<number>() };
  const port: ArchivePort = {
    async append(r) {
      if (state.down) throw new Error('stream not found');
      if (state.refuse.has(r.revision)) throw new Error('message too large');
      if (stored.has(r.revision)) return 'exists';
      stored.set(r.revision, { seq: ++state.seq, record: r });
      return 'stored';
    },
    async existing(r) {
      return stored.get(r.revision);
    },
    async replace(r, seq) {
      if (stored.get(r.revision)?.seq !== seq) return 'exists';
      stored.set(r.revision, { seq: ++state.seq, record: r });
      return 'stored';
    },
    async ensure() {
      state.ensures++;
      if (state.down) throw new Error('still down');
    },
    isOutage: (err) => (err as Error).message !== 'message too large',
  };
  return { port, stored, state };
}

describe('ArchiveWriter', () => {
  it('keeps at most `concurrency` records in flight, and writes them all', async () => {
    const { port, stored } = memoryStream();
    let inFlight = 0;
    let most = 0;
    const append = port.append.bind(port);
    port.append = async (r) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return append(r);
    };
    const writer = new ArchiveWriter(port, { concurrency: 3 });
    for (let revision = 1; revision <= 10; revision++) writer.enqueue(record(revision));
    await writer.idle();
    expect({ most, stored: stored.size }).toEqual({ most: 3, stored: 10 });
  });

  it('stores each revision once however many times it is enqueued', async () => {
    const { port, stored, state } = memoryStream();
    const writer = new ArchiveWriter(port);
    for (const r of [1, 2, 1, 3, 2]) writer.enqueue(record(r));
    await writer.idle();
    expect([...stored.keys()].sort()).toEqual([1, 2, 3]);
    expect(state.seq).toBe(3);
  });

  it("replaces an external guess with the console's own record of the same revision", async () => {
    const { port, stored } = memoryStream();
    const writer = new ArchiveWriter(port);
    writer.enqueue(record(1));
    await writer.idle();
    writer.enqueue(record(1, ana));
    await writer.idle();
    expect(stored.get(1)?.record.by).toEqual(ana);
  });

  it('never replaces a known actor with a later guess', async () => {
    const { port, stored } = memoryStream();
    const writer = new ArchiveWriter(port);
    writer.enqueue(record(1, ana));
    await writer.idle();
    writer.enqueue(record(1));
    await writer.idle();
    expect(stored.get(1)?.record.by).toEqual(ana);
  });

  it("replaces a labelled record with the writer's confirmed one, and never the other way round", async () => {
    const { port, stored } = memoryStream();
    const writer = new ArchiveWriter(port);
    writer.enqueue(record(1, ana)); // an instance labelled the revision with the loser of a race
    await writer.idle();
    writer.enqueue(record(1, bob, true));
    await writer.idle();
    writer.enqueue(record(1, ana));
    await writer.idle();
    expect(stored.get(1)?.record.by).toEqual(bob);
  });

  it('gives up a record the stream refuses for itself, says why, and goes on with the next', async () => {
    const { port, stored, state } = memoryStream();
    const dropped: Array<[number, string]> = [];
    const writer = new ArchiveWriter(port, { onDropped: (r, why) => dropped.push([r.revision, String(why)]) });
    state.refuse.add(1);
    writer.enqueue(record(1));
    writer.enqueue(record(2));
    await writer.idle();
    expect([...stored.keys()]).toEqual([2]);
    expect(dropped).toEqual([[1, 'Error: message too large']]);
    expect(writer.degraded).toBe(false);
  });

  it('holds records while the stream is missing, says so, and writes them once it is back', async () => {
    const { port, stored, state } = memoryStream();
    const health: string[] = [];
    const writer = new ArchiveWriter(port, {
      backoff: { initialMs: 5, maxMs: 10 },
      onHealth: (err) => health.push(err ? 'degraded' : 'ok'),
    });
    state.down = true;
    writer.enqueue(record(1));
    writer.enqueue(record(2));
    await until(() => state.ensures >= 2);
    expect(writer.degraded).toBe(true);
    expect(stored.size).toBe(0);
    state.down = false;
    await writer.idle();
    expect([...stored.keys()].sort()).toEqual([1, 2]);
    expect(health).toEqual(['degraded', 'ok']);
  });

  it('drops the oldest record past its queue limit and reports it', async () => {
    const { port, state } = memoryStream();
    const dropped: number[] = [];
    const writer = new ArchiveWriter(port, { maxQueued: 2, onDropped: (r) => dropped.push(r.revision) });
    state.down = true;
    for (const r of [1, 2, 3, 4, 5]) writer.enqueue(record(r)); // written from the next turn on: all five wait
    writer.stop();
    expect(dropped).toEqual([1, 2, 3]);
  });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}
