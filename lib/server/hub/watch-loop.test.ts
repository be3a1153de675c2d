import { describe, expect, it } from 'vitest';
import type { Change, Entry } from '@/lib/pipes/entry';
import type { BucketInfo, BucketWatch, WatchedChange } from '@/lib/server/nats';
import { backoffDelay, WatchLoop, type WatchSink } from './watch-loop';
import { pipeEntry } from '@/test/support/entries';

const put = (key: string, revision: number): Entry => pipeEntry(key, revision);

/** A watch fed by the test; `end()` closes it like a dropped consumer. */
function scriptedWatch(initial: WatchedChange[] = []) {
  const queue = [...initial];
  let wake: (() => void) | undefined;
  let ended = false;
  const watch: BucketWatch & { push(c: WatchedChange): void; end(): void } = {
    push(c) {
      queue.push(c);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    stop() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length) yield queue.shift()!;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
  return watch;
}

function recordingSink() {
  const state = { revision: 0, keys: new Map<string, number>(), replaced: [] as string[], applied: [] as number[], failures: 0 };
  const sink: WatchSink = {
    revision: () => state.revision,
    replace(entries, revision, reason) {
      state.keys = new Map(entries.map((e) => [e.key, e.revision]));
      state.revision = revision;
      state.replaced.push(reason);
    },
    apply(change: Change) {
      if (change.revision <= state.revision) return;
      state.revision = change.revision;
      state.applied.push(change.revision);
      if (change.operation === 'PUT') state.keys.set(change.key, change.revision);
      else state.keys.delete(change.key);
    },
    failed: () => void state.failures++,
  };
  return { sink, state };
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const nothingHeld = async () => undefined;

const info = (over: Partial<BucketInfo> = {}): BucketInfo => ({ created: 'epoch-1', lastRevision: 2, values: 2, replicas: 1, ...over });

describe('WatchLoop', () => {
  it('stages the replay and replaces the state once the last replayed entry has nothing pending', async () => {
    const watch = scriptedWatch([
      { change: put('a', 1), pending: 1 },
      { change: put('b', 2), pending: 0 },
    ]);
    const { sink, state } = recordingSink();
    const loop = new WatchLoop({ info: async () => info(), watch: async () => watch, changeFrom: nothingHeld }, sink);
    loop.start();
    await until(() => state.replaced.length === 1, 'snapshot');
    expect(state.replaced).toEqual(['initial']);
    expect([...state.keys]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    watch.push({ change: put('c', 3), pending: 0 });
    await until(() => state.revision === 3, 'live change');
    expect(state.applied).toEqual([3]);
    await loop.stop();
  });

  it('takes an empty bucket as loaded at once, since an empty replay says nothing', async () => {
    const { sink, state } = recordingSink();
    const loop = new WatchLoop(
      { info: async () => info({ lastRevision: 0, values: 0 }), watch: async () => scriptedWatch(), changeFrom: nothingHeld },
      sink,
    );
    loop.start();
    await until(() => state.replaced.length === 1, 'empty snapshot');
    expect(state.revision).toBe(0);
    await loop.stop();
  });

  it('resumes from the last applied revision + 1 when the watch ends', async () => {
    const first = scriptedWatch([{ change: put('a', 1), pending: 0 }]);
    const resumedFrom: Array<number | undefined> = [];
    const { sink, state } = recordingSink();
    const loop = new WatchLoop(
      {
        info: async () => info({ lastRevision: 1, values: 1 }),
        watch: async (from) => {
          resumedFrom.push(from);
          return from === undefined ? first : scriptedWatch([{ change: put('b', from), pending: 0 }]);
        },
        changeFrom: nothingHeld,
      },
      sink,
    );
    loop.start();
    await until(() => state.revision === 1, 'snapshot');
    first.end();
    await until(() => state.revision === 2, 'resumed change');
    expect(resumedFrom.slice(0, 2)).toEqual([undefined, 2]);
    await loop.stop();
  });

  it('rebuilds from a fresh snapshot when the bucket was recreated (new created time)', async () => {
    let epoch = 'epoch-1';
    let current = scriptedWatch([{ change: put('old', 5), pending: 0 }]);
    const { sink, state } = recordingSink();
    const loop = new WatchLoop(
      { info: async () => info({ created: epoch, lastRevision: 5, values: 1 }), watch: async () => current, changeFrom: nothingHeld },
      sink,
    );
    loop.start();
    await until(() => state.keys.has('old'), 'first snapshot');
    epoch = 'epoch-2';
    current = scriptedWatch([{ change: put('new', 1), pending: 0 }]);
    loop.restart();
    await until(() => state.replaced.length === 2, 'second snapshot');
    expect(state.replaced).toEqual(['initial', 'recreated']);
    expect([...state.keys]).toEqual([['new', 1]]);
    expect(state.revision).toBe(1);
    await loop.stop();
  });

  it('backs off when cycles fail instead of spinning', async () => {
    let calls = 0;
    const { sink, state } = recordingSink();
    const loop = new WatchLoop(
      {
        info: async () => {
          calls++;
          throw new Error('NATS down');
        },
        watch: async () => scriptedWatch(),
        changeFrom: nothingHeld,
      },
      sink,
      { initialMs: 20, maxMs: 40 },
    );
    loop.start();
    await new Promise((r) => setTimeout(r, 300));
    await loop.stop();
    // 300 ms at >= 20-40 ms a try: a dozen at most; a busy loop would make thousands.
    expect(calls).toBeGreaterThan(3);
    expect(calls).toBeLessThan(16);
    expect(state.failures).toBe(calls);
  });

  it('applies a change the live watch skipped, read from the bucket, before the change after it', async () => {
    const watch = scriptedWatch([{ change: put('a', 1), pending: 0 }]);
    const held = new Map<number, Change>([[2, put('b', 2)]]);
    const { sink, state } = recordingSink();
    const loop = new WatchLoop(
      { info: async () => info({ lastRevision: 1, values: 1 }), watch: async () => watch, changeFrom: async (r) => held.get(r) },
      sink,
    );
    loop.start();
    await until(() => state.revision === 1, 'snapshot');
    watch.push({ change: put('c', 3), pending: 0 });
    await until(() => state.revision === 3, 'live change');
    expect(state.applied).toEqual([2, 3]);
    expect([...state.keys.keys()]).toEqual(['a', 'b', 'c']);
    await loop.stop();
  });

  it('reads a gap the bucket no longer holds once and applies the change after it', async () => {
    const watch = scriptedWatch([{ change: put('a', 1), pending: 0 }]);
    const reads: number[] = [];
    const { sink, state } = recordingSink();
    const changeFrom = async (r: number) => {
      reads.push(r);
      return put('d', 5); // revisions 2-4 are gone: the first held change is the one delivered
    };
    const loop = new WatchLoop({ info: async () => info({ lastRevision: 1, values: 1 }), watch: async () => watch, changeFrom }, sink);
    loop.start();
    await until(() => state.revision === 1, 'snapshot');
    watch.push({ change: put('d', 5), pending: 0 });
    await until(() => state.revision === 5, 'live change');
    expect(reads).toEqual([2]);
    expect(state.applied).toEqual([5]);
    await loop.stop();
  });

  it('reads nothing when the next change follows the last one', async () => {
    const watch = scriptedWatch([{ change: put('a', 1), pending: 0 }]);
    let reads = 0;
    const { sink, state } = recordingSink();
    const changeFrom = async () => {
      reads++;
      return undefined;
    };
    const loop = new WatchLoop({ info: async () => info({ lastRevision: 1, values: 1 }), watch: async () => watch, changeFrom }, sink);
    loop.start();
    await until(() => state.revision === 1, 'snapshot');
    watch.push({ change: put('b', 2), pending: 0 });
    watch.push({ change: put('c', 3), pending: 0 });
    await until(() => state.revision === 3, 'live changes');
    expect(reads).toBe(0);
    await loop.stop();
  });

  it('computes a capped exponential backoff', () => {
    const b = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, b))).toEqual([0, 100, 200, 400, 800, 1_000, 1_000]);
  });
});
