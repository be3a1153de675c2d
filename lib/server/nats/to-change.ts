import 'server-only';
import type { KvEntry } from '@nats-io/kv';
import type { Change, Entry } from '@/lib/pipes/entry';
import { parseStoredPipe } from '@/lib/pipes/schema';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reshapes a KV entry into the app's Change at the edge: no NATS type goes further. */
export function toChange(kv: KvEntry): Change {
  const updated = kv.created.toISOString();
  if (kv.operation !== 'PUT') {
    return { key: kv.key, revision: kv.revision, updated, operation: kv.operation };
  }
  return toEntry(kv.key, kv.revision, updated, kv.value);
}

/** A message of the bucket's stream (subject `$KV.<bucket>.<key>`), however it was read. */
export type BucketMessage = { subject: string; seq: number; time: Date; data: Uint8Array; operation: string | undefined };

/** Reshapes a message read from the bucket's stream the same way as a KV entry. */
export function messageToChange(m: BucketMessage, subjectPrefix: string): Change {
  const key = m.subject.slice(subjectPrefix.length);
  const updated = m.time.toISOString();
  if (m.operation === 'DEL' || m.operation === 'PURGE') return { key, revision: m.seq, updated, operation: m.operation };
  return toEntry(key, m.seq, updated, m.data);
}

/**
 * Builds an Entry from stored bytes; an invalid value is kept with its reason and raw text.
 * Without `warnings`: only the answers about one pipe carry them (pipe-service.ts), so the watch,
 * the list and the live events do not spend a lint of every pipe on every change.
 */
export function toEntry(key: string, revision: number, updated: string, bytes: Uint8Array): Entry {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const raw = new TextDecoder('utf-8').decode(bytes);
    return { key, revision, updated, operation: 'PUT', value: null, raw, invalid: { message: 'value is not valid UTF-8' } };
  }
  const parsed = parseStoredPipe(text);
  if (!parsed.ok) {
    return { key, revision, updated, operation: 'PUT', value: null, raw: text, invalid: { message: parsed.message } };
  }
  return { key, revision, updated, operation: 'PUT', value: parsed.value };
}
