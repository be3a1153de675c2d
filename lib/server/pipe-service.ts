import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Entry } from '@/lib/pipes/entry';
import { keyProblem } from '@/lib/pipes/names';
import { serializePipe, validatePipeInput } from '@/lib/pipes/schema';
import { pipeWarnings } from '@/lib/pipes/warnings';
import {
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '@/lib/server/errors';
import type { Attribution } from '@/lib/server/archive/record';
import type { Principal } from '@/lib/server/auth';
import { getHub, getSupervisor } from '@/lib/server/hub';
import { INSTANCE } from '@/lib/server/instance-name';
import { RevisionMismatchError, ValueTooLargeError } from '@/lib/server/nats';

// The pipes API's work: reads from the watched cache, compare-and-set writes to KV, history.
// Writes go to KV; the cache learns of them through the watch like any other writer's, so
// there is one read path.

export type Precondition = { kind: 'revision'; revision: number } | { kind: 'any' } | { kind: 'absent' };

/** Who writes, and why when they said (a change note). */
export type Author = { principal: Principal; note?: string };

/**
 * Announces a write to every instance (so each labels its change with the actor and note),
 * runs it, and says when it is over.
 */
async function announced<T>(key: string, author: Author, write: () => Promise<T>): Promise<T> {
  const { name: user, role, via } = author.principal;
  const by: Attribution = { user, role, via, instance: INSTANCE };
  const intent = { id: randomUUID(), key, by, ...(author.note === undefined ? {} : { note: author.note }) };
  const supervisor = getSupervisor();
  const forget = getHub().expectWrite(intent);
  supervisor.announce({ type: 'intent', intent });
  try {
    return await write();
  } finally {
    forget();
    supervisor.announce({ type: 'done', key, id: intent.id });
  }
}

export function checkKey(key: string): string {
  const problem = keyProblem(key);
  if (problem) throw new BadRequestError(`invalid key: ${problem}`, [{ path: 'key', message: problem }]);
  return key;
}

/** `{ revision, pipes }` from the watched cache, sorted by key, as JSON text (cached per revision). */
export async function listPipesJson(): Promise<string> {
  const hub = getHub();
  await hub.ready();
  return hub.snapshotJson();
}

export async function getPipe(key: string): Promise<Entry> {
  const hub = getHub();
  await hub.ready();
  const entry = hub.get(checkKey(key));
  if (!entry) throw new NotFoundError(`no pipe "${key}"`);
  return entry;
}

export async function putPipe(key: string, body: unknown, precondition: Precondition | undefined, author: Author): Promise<Entry> {
  checkKey(key);
  if (!precondition) throw new PreconditionRequiredError('a write needs If-Match: "<revision>", If-Match: * or If-None-Match: *');
  const parsed = validatePipeInput(body, key);
  if (!parsed.ok) throw new BadRequestError('invalid pipe', parsed.issues);
  const text = serializePipe(parsed.value);
  const hub = getHub();
  const bucket = await getSupervisor().writableBucket();
  return announced(key, author, async () => {
    try {
      const revision =
        precondition.kind === 'any'
          ? await bucket.put(key, text)
          : precondition.kind === 'absent'
            ? await bucket.create(key, text)
            : await bucket.update(key, text, precondition.revision);
      await hub.caughtUp(revision);
      const warnings = pipeWarnings(parsed.value, key);
      return (
        (hub.get(key)?.revision === revision ? hub.get(key) : undefined) ?? {
          key,
          revision,
          updated: new Date().toISOString(),
          operation: 'PUT',
          value: parsed.value,
          actor: author.principal.name,
          ...(author.note === undefined ? {} : { note: author.note }),
          ...(warnings.length ? { warnings } : {}),
        }
      );
    } catch (err) {
      throw await explainWriteError(err, key);
    }
  });
}

export async function deletePipe(key: string, precondition: Precondition | undefined, author: Author): Promise<void> {
  checkKey(key);
  if (!precondition) throw new PreconditionRequiredError('a delete needs If-Match: "<revision>" or If-Match: *');
  if (precondition.kind === 'absent') throw new BadRequestError('If-None-Match: * cannot apply to a delete');
  const hub = getHub();
  const bucket = await getSupervisor().writableBucket();
  const current = await bucket.get(key);
  if (!current) throw new NotFoundError(`no pipe "${key}"`);
  await announced(key, author, async () => {
    try {
      await bucket.delete(key, precondition.kind === 'revision' ? precondition.revision : undefined);
      // As for PUT: answer once the cache has applied the delete marker (read-your-writes), and
      // keep the actor label until the watch has seen it. The marker's revision is not returned
      // by the client; the stream's last revision right after the delete is at least that.
      await hub.caughtUp(
        await bucket.info().then(
          (info) => info.lastRevision,
          () => 0,
        ),
      );
    } catch (err) {
      throw await explainWriteError(err, key);
    }
  });
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
