import { describe, expect, it } from 'vitest';
import { SseParser } from '@/lib/live/sse';
import type { BucketWatch, WatchedChange } from '@/lib/server/nats';
import { UnavailableError } from '@/lib/server/errors';
import { BATCH_GAP_MS, Hub, type ClientEvent, type HubEvent } from './hub';
import { WatchLoop } from './watch-loop';
import { pipeEntry } from '@/test/support/entries';

const put = pipeEntry;

function recordingHub(options: { ringEvents?: number } = {}) {
  const hub = new Hub({ bucket: 'B', ...options });
  const events: HubEvent[] = [];
  hub.subscribe((event) => events.push(event), 'internal');
  return { hub, events };
}

/** The SSE events a frame holds, parsed back. */
const parsed = (frame: Buffer) => new SseParser().push(frame.toString());

/** A hub on a clock the test moves, whose batches are delivered when the test says, and an event stream on it. */
function streamHub() {
  const clock = { now: 1_000 };
  const turns: Array<{ run: () => void; delayMs: number }> = [];
  const hub = new Hub({ bucket: 'B', schedule: (run, delayMs) => turns.push({ run, delayMs }), now: () => clock.now });
  const events: ClientEvent[] = [];
  hub.subscribe((event) => events.push(event));
  const endTurn = () => turns.splice(0).forEach((t) => t.run());
  return { hub, events, endTurn, turns, clock };
}

describe('Hub event streams', () => {
  it('get the changes of one turn as one batch, their frames joined once', () => {
    const { hub, events, endTurn } = streamHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    hub.apply(put('b', 2));
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
    endTurn();
    const batch = events[1];
    expect(batch?.type === 'changes' && [batch.frames.map((f) => f.revision), batch.last]).toEqual([[1, 2], 2]);
    expect(batch?.type === 'changes' && parsed(batch.bytes).map((e) => e.id)).toEqual(['1', '2']);
  });

  it("get a change's turn scheduled before the console's own listeners schedule theirs", () => {
    const { hub, turns } = streamHub();
    hub.replace([], 0, 'initial');
    // As the archive does: its writes start on a later turn of their own.
    let scheduledBefore = -1;
    hub.subscribe(() => void (scheduledBefore = turns.length), 'internal');
    hub.apply(put('a', 1));
    expect(scheduledBefore).toBe(1);
  });

  it('are ended by endStreams, after the changes not yet delivered', () => {
    const { hub, events } = streamHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    hub.endStreams();
    expect(events.map((e) => e.type)).toEqual(['snapshot', 'changes', 'end']);
  });

  it('get a change on the next turn when the last batch is older than the gap', () => {
    const { hub, turns, endTurn, clock } = streamHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    endTurn();
    clock.now += BATCH_GAP_MS;
    hub.apply(put('b', 2));
    expect(turns.map((t) => t.delayMs)).toEqual([0]);
  });

  it('gather changes until the gap since the last batch has passed', () => {
    const { hub, turns, endTurn, clock } = streamHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    endTurn();
    clock.now += 1;
    hub.apply(put('b', 2));
    expect(turns.map((t) => t.delayMs)).toEqual([BATCH_GAP_MS - 1]);
  });

  it('get a status after the changes applied before it', () => {
    const { hub, events } = streamHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    hub.setLink({ nats: 'reconnecting' as never });
    expect(events.map((e) => e.type)).toEqual(['snapshot', 'changes', 'status']);
  });

  it("the console's own listeners get each change at once, on its own", () => {
    const { hub, endTurn } = streamHub();
    const own: HubEvent[] = [];
    hub.subscribe((e) => own.push(e), 'internal');
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    expect(own.map((e) => e.type)).toEqual(['snapshot', 'change']);
    endTurn();
    expect(own).toHaveLength(2);
  });
});

describe('Hub', () => {
  it('is not ready and serves no resume before the first snapshot', () => {
    const { hub } = recordingHub();
    expect(hub.status().ready).toBe(false);
    expect(hub.changesSince(0)).toBeUndefined();
  });

  it('a snapshot replaces the cache and tells the listeners', () => {
    const { hub, events } = recordingHub();
    hub.replace([put('b', 2), put('a', 1)], 2, 'initial');
    expect(hub.snapshot()).toEqual({ revision: 2, pipes: [put('a', 1), put('b', 2)] });
    expect(events).toEqual([{ type: 'snapshot', snapshot: hub.snapshot(), reason: 'initial' }]);
    expect(hub.status()).toMatchObject({ ready: true, revision: 2, pipes: 2, bucket: 'B' });
  });

  it('a change is applied, encoded once as an SSE frame with its revision as id, and kept for resuming clients', () => {
    const { hub, events } = recordingHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1, 'SELECT 42'));
    const change = events.at(-1);
    expect(change?.type).toBe('change');
    const frame = change?.type === 'change' ? change.frame : Buffer.alloc(0);
    expect(parsed(frame)).toEqual([{ event: 'put', id: '1', data: JSON.stringify(put('a', 1, 'SELECT 42')) }]);
    expect(hub.changesSince(0)).toEqual([{ revision: 1, bytes: frame }]);
    expect(hub.get('a')?.value?.sql).toBe('SELECT 42');
  });

  it('a revision it has already applied is ignored', () => {
    const { hub, events } = recordingHub();
    hub.replace([put('a', 5)], 5, 'initial');
    hub.apply(put('a', 4, 'SELECT stale'));
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
    expect(hub.get('a')?.revision).toBe(5);
  });

  it('a delete marker removes the key and is sent as a delete event', () => {
    const { hub, events } = recordingHub();
    hub.replace([put('a', 1)], 1, 'initial');
    hub.apply({ key: 'a', revision: 2, updated: '2026-01-01T00:00:00.000Z', operation: 'PURGE' });
    expect(hub.get('a')).toBeUndefined();
    const last = events.at(-1);
    expect(last?.type === 'change' && parsed(last.frame)[0]?.event).toBe('delete');
  });

  it('labels the next change of a key this console writes with its actor and note', () => {
    const { hub } = recordingHub();
    hub.replace([], 0, 'initial');
    hub.expectWrite({ id: 'w1', key: 'a', by: { user: 'ana', role: 'admin', via: 'token', instance: 'i1' }, note: 'why' });
    hub.apply(put('a', 1));
    hub.apply(put('a', 2));
    expect(hub.snapshot().pipes).toEqual([put('a', 2)]);
    const frames = hub.changesSince(0)!.map((f) => JSON.parse(parsed(f.bytes)[0]!.data));
    expect(frames.map((c) => [c.actor, c.note])).toEqual([
      ['ana', 'why'],
      [undefined, undefined],
    ]);
  });

  it('labels nothing with an intent forgotten before its change arrived (a failed write)', () => {
    const { hub } = recordingHub();
    hub.replace([], 0, 'initial');
    const forget = hub.expectWrite({ id: 'w1', key: 'a', by: { user: 'ana', role: 'admin', via: 'token', instance: 'i1' } });
    forget();
    hub.apply(put('a', 1));
    expect(hub.get('a')?.actor).toBeUndefined();
  });

  it('keeps the delete marker of a deleted key, and drops it when the key is written again', () => {
    const { hub } = recordingHub();
    hub.replace([put('a', 1), { key: 'b', revision: 2, updated: put('b', 2).updated, operation: 'DEL' }], 2, 'initial');
    expect(hub.deleted().map((d) => [d.key, d.revision])).toEqual([['b', 2]]);
    expect(hub.snapshot().pipes.map((e) => e.key)).toEqual(['a']);
    hub.apply({ key: 'a', revision: 3, updated: put('a', 3).updated, operation: 'PURGE' });
    hub.apply(put('b', 4));
    expect(hub.deleted().map((d) => [d.key, d.revision])).toEqual([['a', 3]]);
  });

  it('a new snapshot (bucket recreated) forgets the ring, so old ids get a snapshot', () => {
    const { hub } = recordingHub();
    hub.replace([], 0, 'initial');
    hub.apply(put('a', 1));
    hub.replace([put('x', 1)], 1, 'recreated');
    expect(hub.changesSince(0)).toBeUndefined();
    expect(hub.changesSince(1)).toEqual([]);
  });

  it('serialises the snapshot once per revision for the API and the event stream', () => {
    const { hub } = recordingHub();
    hub.replace([put('a', 1)], 1, 'initial');
    expect(hub.snapshotJson()).toBe(hub.snapshotJson());
    expect(hub.snapshotFrame()).toBe(hub.snapshotFrame());
    expect(parsed(hub.snapshotFrame())).toEqual([{ event: 'snapshot', id: '1', data: hub.snapshotJson() }]);
    hub.apply(put('b', 2));
    expect(JSON.parse(hub.snapshotJson()).revision).toBe(2);
  });

  it('ready() resolves when the first snapshot arrives', async () => {
    const { hub } = recordingHub();
    const ready = hub.ready(1_000);
    hub.replace([], 0, 'initial');
    await expect(ready).resolves.toBeUndefined();
  });

  it('ready() rejects with UnavailableError when no snapshot comes in time', async () => {
    const { hub } = recordingHub();
    await expect(hub.ready(10)).rejects.toBeInstanceOf(UnavailableError);
  });

  it('ready() rejects at once, naming JetStream, while JetStream is unavailable', async () => {
    const { hub } = recordingHub();
    hub.replace([], 0, 'initial');
    hub.setLink({ nats: 'connected', jetstream: 'unavailable' });
    await expect(hub.ready(60_000)).rejects.toThrow(/JetStream is not enabled/);
  });

  it('caughtUp() waits for the cache to apply a revision', async () => {
    const { hub } = recordingHub();
    hub.replace([], 0, 'initial');
    const waiting = hub.caughtUp(2, 1_000);
    hub.apply(put('a', 1));
    hub.apply(put('b', 2));
    await expect(waiting).resolves.toBe(true);
  });

  it('caughtUp() answers false when the revision does not come in time', async () => {
    const { hub } = recordingHub();
    hub.replace([], 0, 'initial');
    await expect(hub.caughtUp(1, 10)).resolves.toBe(false);
  });

  it('a change of the link is sent as a status frame; the same state again is not', () => {
    const { hub, events } = recordingHub();
    hub.setLink({ nats: 'connected' });
    hub.setLink({ nats: 'connected' });
    hub.setLink({ jetstream: 'unavailable' });
    const statuses = events.flatMap((e) => (e.type === 'status' ? [JSON.parse(parsed(e.frame)[0]!.data)] : []));
    expect(statuses).toEqual([
      { nats: 'connected', jetstream: 'available', ready: false, revision: 0 },
      { nats: 'connected', jetstream: 'unavailable', ready: false, revision: 0 },
    ]);
  });

  it('a reconnect is announced even when the state reads the same', () => {
    const { hub, events } = recordingHub();
    hub.setLink({ nats: 'connected' });
    hub.setLink({ nats: 'connected' }, true);
    expect(events.filter((e) => e.type === 'status')).toHaveLength(2);
  });

  it('is healthy only when connected, JetStream answers and the cache is loaded', () => {
    const { hub } = recordingHub();
    hub.setLink({ nats: 'connected' });
    expect(hub.healthy()).toBe(false);
    hub.replace([], 0, 'initial');
    expect(hub.healthy()).toBe(true);
    hub.setLink({ jetstream: 'unavailable' });
    expect(hub.healthy()).toBe(false);
    hub.setLink({ jetstream: 'available', nats: 'reconnecting' });
    expect(hub.healthy()).toBe(false);
  });

  it('a listener that throws does not stop the others', () => {
    const { hub, events } = recordingHub();
    hub.subscribe(() => {
      throw new Error('boom');
    }, 'internal');
    const after: HubEvent[] = [];
    hub.subscribe((e) => after.push(e), 'internal');
    hub.replace([], 0, 'initial');
    expect([events.length, after.length]).toEqual([1, 1]);
  });

  it('fed by the watch loop from a fake bucket, ends equal to the bucket', async () => {
    const queue: WatchedChange[] = [
      { change: put('a', 1), pending: 2 },
      { change: put('b', 2), pending: 1 },
      { change: put('a', 3, 'SELECT 3'), pending: 0 },
    ];
    const watch: BucketWatch = {
      stop: () => undefined,
      async *[Symbol.asyncIterator]() {
        yield* queue;
        yield { change: { key: 'b', revision: 4, updated: '2026-01-01T00:00:00.000Z', operation: 'DEL' }, pending: 0 };
        await new Promise(() => undefined); // stays open like a live watch
      },
    };
    const { hub } = recordingHub();
    const loop = new WatchLoop(
      {
        info: async () => ({ created: 'e1', lastRevision: 4, values: 2, replicas: 1 }),
        watch: async () => watch,
        changeFrom: async () => undefined,
      },
      hub,
    );
    loop.start();
    const deadline = Date.now() + 2_000;
    while (hub.revision() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(hub.snapshot()).toEqual({ revision: 4, pipes: [put('a', 3, 'SELECT 3')] });
    void loop.stop();
  });
});
