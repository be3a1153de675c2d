import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Snapshot } from '@/lib/live/protocol';
import type { Entry } from '@/lib/pipes/entry';
import { CREATABLE_NAME_RULE, isCreatableName, keyProblem } from '@/lib/pipes/names';
import { serializePipe, validatePipeInput } from '@/lib/pipes/schema';
import { pipeWarnings } from '@/lib/pipes/warnings';
import {
  BadRequestError,
  ConsoleError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
  UnavailableError,
} from '@/lib/server/errors';
import type { Attribution } from '@/lib/server/archive/record';
import type { Principal } from '@/lib/server/auth';
import { getHub, getSupervisor } from '@/lib/server/hub';
import { getArchiver } from '@/lib/server/archive/instance';
import { INSTANCE } from '@/lib/server/instance-name';
import { writesInFlight } from '@/lib/server/lifecycle';
import { metrics, type WriteOutcome } from '@/lib/server/metrics';
import { BucketMissingError, RevisionMismatchError, ValueTooLargeError } from '@/lib/server/nats';

// The pipes API's work: reads from the watched cache, compare-and-set writes to KV, history.
// Writes go to KV; the cache learns of them through the watch like any other writer's, so
// there is one read path.

export type Precondition = { kind: 'revision'; revision: number } | { kind: 'any' } | { kind: 'absent' };

/** Who writes, and why when they said (a change note). */
export type Author = { principal: Principal; note?: string };

/**
 * Announces a write to every instance (so each labels its change with the actor and note), runs
 * it, and says at once when it is over: with the revision the bucket has reached with it, or,
 * when it failed, so that no instance labels someone else's change with this author.
 */
async function announced(
  key: string,
  author: Author,
  write: () => Promise<number | undefined>,
  after?: number,
): Promise<number | undefined> {
  const { name: user, role, via } = author.principal;
  const by: Attribution = { user, role, via, instance: INSTANCE };
  const intent = {
    id: randomUUID(),
    key,
    by,
    ...(author.note === undefined ? {} : { note: author.note }),
    ...(after === undefined ? {} : { after }),
  };
  const supervisor = getSupervisor();
  const forget = getHub().expectWrite(intent);
  supervisor.announce({ type: 'intent', intent });
  let revision: number | undefined;
  try {
    revision = await write();
    return revision;
  } catch (err) {
    forget();
    throw err;
  } finally {
    supervisor.announce({ type: 'done', key, id: intent.id, ...(revision === undefined ? {} : { revision }) });
  }
}

/**
 * Once the cache has applied this console's write: the archive gets the writer's own record of
 * it, which replaces a label another instance may have got wrong, and the local expectation goes.
 */
async function settle(key: string, written: { revision: number } | 'deleted', author: Author): Promise<void> {
  const hub = getHub();
  if (written !== 'deleted') await hub.caughtUp(written.revision);
  const change = written === 'deleted' ? hub.deletedMarker(key) : hub.get(key);
  if (!change || (written !== 'deleted' && change.revision !== written.revision)) return;
  const { name: user, role, via } = author.principal;
  getArchiver().confirm(
    { ...change, actor: user, ...(author.note === undefined ? {} : { note: author.note }) },
    { user, role, via, instance: INSTANCE },
  );
}

export function checkKey(key: string): string {
  const problem = keyProblem(key);
  if (problem) throw new BadRequestError(`invalid key: ${problem}`, [{ path: 'key', message: problem }]);
  return key;
}

/** `{ revision, pipes }` from the watched cache, sorted by key. */
export async function listPipes(): Promise<Snapshot> {
  const hub = getHub();
  await hub.ready();
  return hub.snapshot();
}

/**
 * `{ revision, pipes }` from the watched cache, sorted by key, as JSON text (cached per
 * revision), with the snapshot it was made from: the version its compressed forms are kept by.
 */
export async function listPipesJson(): Promise<{ json: string; version: object }> {
  const hub = getHub();
  await hub.ready();
  return { version: hub.snapshot(), json: hub.snapshotJson() };
}

/** One pipe, with the warnings WaveHouse's rules find in it. */
export async function getPipe(key: string): Promise<Entry> {
  const hub = getHub();
  await hub.ready();
  const entry = hub.get(checkKey(key));
  if (!entry) throw new NotFoundError(`no pipe "${key}"`);
  return withWarnings(entry);
}

/** The entry with its `warnings` (none on an invalid one): computed here, not for every change the cache applies. */
function withWarnings(entry: Entry): Entry {
  const warnings = entry.value ? pipeWarnings(entry.value, entry.key) : [];
  return warnings.length ? { ...entry, warnings } : entry;
}

/** Writes the pipe by compare-and-set. */
export function putPipe(key: string, body: unknown, precondition: Precondition | undefined, author: Author): Promise<Entry> {
  return counted(() => writePipe(key, body, precondition, author));
}

/** A write counted in those a shutdown waits for, and timed by outcome for /api/metrics. */
async function counted<T>(write: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const observe = (outcome: WriteOutcome) => metrics().writeSeconds.observe({ outcome }, (performance.now() - started) / 1000);
  try {
    const result = await writesInFlight().track(write);
    observe('ok');
    return result;
  } catch (err) {
    observe(outcomeOf(err));
    throw err;
  }
}

function outcomeOf(err: unknown): WriteOutcome {
  if (err instanceof PreconditionFailedError) return 'conflict';
  if (err instanceof UnavailableError || err instanceof BucketMissingError) return 'unavailable';
  return err instanceof ConsoleError ? 'refused' : 'error';
}

async function writePipe(key: string, body: unknown, precondition: Precondition | undefined, author: Author): Promise<Entry> {
  checkKey(key);
  if (!precondition) throw new PreconditionRequiredError('a write needs If-Match: "<revision>", If-Match: * or If-None-Match: *');
  const parsed = validatePipeInput(body, key);
  if (!parsed.ok) throw new BadRequestError('invalid pipe', parsed.issues);
  const text = serializePipe(parsed.value);
  const hub = getHub();
  const bucket = await getSupervisor().writableBucket(); // the cache is loaded: it knows which keys exist
  assertCreatable(key, precondition);
  let revision: number;
  try {
    revision = (await announced(
      key,
      author,
      () =>
        precondition.kind === 'any'
          ? bucket.put(key, text)
          : precondition.kind === 'absent'
            ? bucket.create(key, text)
            : bucket.update(key, text, precondition.revision),
      precondition.kind === 'revision' ? precondition.revision : undefined,
    ))!;
  } catch (err) {
    throw await explainWriteError(err, key);
  }
  await settle(key, { revision }, author);
  const written = hub.get(key);
  if (written?.revision === revision) return withWarnings(written);
  return withWarnings({
    key,
    revision,
    updated: new Date().toISOString(),
    operation: 'PUT',
    value: parsed.value,
    actor: author.principal.name,
    ...(author.note === undefined ? {} : { note: author.note }),
  });
}

/**
 * A write that brings a new name into the bucket follows the creation rule (WaveHouse serves a
 * pipe at /v1/pipes/{name}: a "/" or "." there is a trap). A key the bucket already knows —
 * written, or deleted, by another writer — stays writable, Restore and Recreate included.
 */
function assertCreatable(key: string, precondition: Precondition): void {
  if (isCreatableName(key) || precondition.kind === 'revision') return;
  const hub = getHub();
  if (hub.get(key) || hub.deletedMarker(key)) return;
  throw new BadRequestError(`cannot create "${key}": names of new pipes are ${CREATABLE_NAME_RULE}`, [
    { path: 'key', message: `a new pipe's name: ${CREATABLE_NAME_RULE}` },
  ]);
}

/** Deletes the pipe (compare-and-set with If-Match). */
export function deletePipe(key: string, precondition: Precondition | undefined, author: Author): Promise<void> {
  return counted(() => removePipe(key, precondition, author));
}

async function removePipe(key: string, precondition: Precondition | undefined, author: Author): Promise<void> {
  checkKey(key);
  if (!precondition) throw new PreconditionRequiredError('a delete needs If-Match: "<revision>" or If-Match: *');
  if (precondition.kind === 'absent') throw new BadRequestError('If-None-Match: * cannot apply to a delete');
  const hub = getHub();
  const bucket = await getSupervisor().writableBucket();
  const current = await bucket.get(key);
  if (!current) throw new NotFoundError(`no pipe "${key}"`);
  let reached: number | undefined;
  try {
    // The client does not return the marker's revision; the stream's last revision right after
    // the delete is at least that.
    const after = precondition.kind === 'revision' ? precondition.revision : undefined;
    reached = await announced(
      key,
      author,
      async () => {
        await bucket.delete(key, after);
        return bucket.info().then(
          (info) => info.lastRevision,
          () => undefined,
        );
      },
      after,
    );
  } catch (err) {
    throw await explainWriteError(err, key);
  }
  // As for PUT: answer once the cache has applied the delete marker (read-your-writes).
  if (reached !== undefined) await hub.caughtUp(reached);
  await settle(key, 'deleted', author);
}

async function explainWriteError(err: unknown, key: string): Promise<unknown> {
  if (err instanceof RevisionMismatchError) {
    const bucket = await getSupervisor().writableBucket();
    const current = await bucket.get(key).catch(() => getHub().get(key) ?? null);
    return new PreconditionFailedError(current ? `"${key}" is at revision ${current.revision}` : `"${key}" does not exist`, current);
  }
  if (err instanceof ValueTooLargeError) return new PayloadTooLargeError(err.message);
  return err;
}
