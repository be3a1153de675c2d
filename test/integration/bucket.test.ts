// The bucket adapter (lib/server/nats/bucket.ts) on its own, against a real nats-server.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openNatsLink, type NatsLink } from '@/lib/server/nats/connection';
import { PipeBucket } from '@/lib/server/nats/bucket';
import { disposeAll } from '../support/dispose';
import { startTestNats, type TestNats } from '../support/nats';

let nats: TestNats;
let link: NatsLink;

beforeAll(async () => {
  nats = await startTestNats();
  link = await openNatsLink({ servers: [nats.url] }, () => {});
});

afterAll(() => disposeAll(link && (() => link.close()), nats && (() => nats.dispose())));

const pipe = (key: string) => JSON.stringify({ name: key, sql: 'SELECT 1' });

test('everyHeld visits what the bucket held when it was called, and ends while writes go on', async () => {
  const bucket = await PipeBucket.open(link, 'EVERY_HELD', { history: 5 });
  // More than one batch of the walk (256), so later batches are fetched after writes began.
  const held = Array.from({ length: 600 }, (_, i) => `held_${i}`);
  for (const key of held) await bucket.put(key, pipe(key));
  const visited: string[] = [];
  // Each visit writes one more change: a walk that followed the writes would never end.
  await bucket.everyHeld(async (change) => {
    visited.push(change.key);
    await bucket.put(`during_${visited.length}`, pipe(`during_${visited.length}`));
  });
  expect(visited).toEqual(held);
});
