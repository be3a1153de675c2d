import { UnavailableError } from '@/lib/server/errors';
import { RevisionMismatchError } from './errors';

/**
 * A compare-and-set on a replicated bucket, made atomic where the server does not make it so.
 *
 * nats-server before 2.9.21 checks `Nats-Expected-Last-Subject-Sequence` on a clustered stream
 * only before it proposes the message, not as the message is stored: concurrent writes expecting
 * the same revision of a key can all be stored (nats-server issue #4320; the chaos campaign saw
 * three of three succeed, and 3–9 of 9 in a direct test on 2.9.10). `Nats-Expected-Last-Sequence`
 * — the stream's last sequence, across all keys — is checked in order on every replica: of
 * concurrent writes expecting the same one, exactly one is stored. So the write reads the
 * stream's last sequence and carries both: the key must be at its revision and the stream at
 * that sequence. When another key was written in between, the write is refused although this
 * key did not move; then the stream's last sequence is read again, then the key, and the write
 * is tried once more while the key is still at its revision. Refused for this key:
 * RevisionMismatchError, as for any lost race; out of time with the key unchanged:
 * UnavailableError (a 503, try again), nothing written.
 */
export type SerialCasIo = {
  /** Publishes with both expectations; RevisionMismatchError when either does not hold. */
  publish(expectedRevision: number, expectedLast: number): Promise<number>;
  /** The stream's last sequence now. */
  streamLast(): Promise<number>;
  /** The sequence of the key's last message now (0 when it has none). */
  keyLast(): Promise<number>;
  /** Whether there is still time for another try (the write's own deadline). */
  timeLeft(): boolean;
};

export async function serialCas(io: SerialCasIo, expectedRevision: number): Promise<number> {
  // The stream's end read first, not guessed: a refusal on the stream's last sequence is made
  // as the message is stored, and nats-server 2.9 can leave a restarted replica out of step
  // after such refusals (seen by the chaos campaign), so they are kept to true races.
  let last = await io.streamLast();
  for (;;) {
    try {
      return await io.publish(expectedRevision, last);
    } catch (err) {
      if (!(err instanceof RevisionMismatchError)) throw err;
    }
    // The stream first, then the key: a change to the key after the stream was read either shows
    // in the key's sequence or comes after `last`, so the next try is refused either way.
    const streamLast = await io.streamLast();
    const keyLast = await io.keyLast();
    if (keyLast !== expectedRevision) {
      throw new RevisionMismatchError(`the key is at revision ${keyLast}, not ${expectedRevision}`);
    }
    if (!io.timeLeft()) {
      throw new UnavailableError('other keys of the bucket were written during every try of this compare-and-set; nothing was written');
    }
    last = streamLast;
  }
}
