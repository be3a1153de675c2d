import 'server-only';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import { errors as natsErrors } from '@nats-io/nats-core';
import { ConsoleError, UnavailableError } from '@/lib/server/errors';

/** The key was not at the expected revision (or, for create, already existed). */
export class RevisionMismatchError extends ConsoleError {
  static override readonly kind = 'RevisionMismatchError';
}

/** The bucket's stream does not exist (deleted under us, or never created). */
export class BucketMissingError extends ConsoleError {
  static override readonly kind = 'BucketMissingError';
}

/** A value larger than the bucket or the server accepts. */
export class ValueTooLargeError extends ConsoleError {
  static override readonly kind = 'ValueTooLargeError';
}

/**
 * Nothing in JetStream answered: it is not enabled on the server (a nats-server restarted
 * without it), or, for a write, the bucket's stream is missing. No write was stored.
 */
export class JetStreamUnavailableError extends UnavailableError {
  static override readonly kind = 'JetStreamUnavailableError';
}

/** The change archive's stream is missing (deleted under us, or not created again yet). */
export class ArchiveMissingError extends UnavailableError {
  static override readonly kind = 'ArchiveMissingError';
}

// A lost compare-and-set comes with either code, depending on the server's path.
const WRONG_LAST_SEQUENCE: readonly number[] = [
  JetStreamApiCodes.StreamWrongLastSequence,
  JetStreamApiCodes.StreamWrongLastSequenceUnknown,
];

/** "JetStream system temporarily unavailable", a code nats.js has no name for. */
const CLUSTER_UNAVAILABLE = 10008;

/** Maps a NATS failure to the app's errors; what is not recognised passes through. */
export function fromNatsError(err: unknown): unknown {
  if (err instanceof jserrors.JetStreamNotEnabled) {
    return new JetStreamUnavailableError('JetStream did not answer: it is not enabled on the NATS server, or the pipes bucket is missing', {
      cause: err,
    });
  }
  if (err instanceof JetStreamApiError) {
    if (WRONG_LAST_SEQUENCE.includes(err.code)) return new RevisionMismatchError(err.message, { cause: err });
    if (err.code === JetStreamApiCodes.StreamNotFound) return new BucketMissingError(err.message, { cause: err });
    // A cluster between stream leaders (a node killed, frozen or restarting) answers 503.
    if (err.code === CLUSTER_UNAVAILABLE || err.status === 503) {
      return new UnavailableError(
        `JetStream is temporarily unavailable (${err.message}): the cluster has no leader for the moment; try again`,
        {
          cause: err,
        },
      );
    }
    if (/size exceeds|maximum/i.test(err.message)) return new ValueTooLargeError(err.message, { cause: err });
    return err;
  }
  if (
    err instanceof natsErrors.TimeoutError ||
    err instanceof natsErrors.NoRespondersError ||
    err instanceof natsErrors.ClosedConnectionError ||
    err instanceof natsErrors.DrainingConnectionError ||
    err instanceof natsErrors.RequestError ||
    err instanceof natsErrors.ConnectionError
  ) {
    if (err instanceof natsErrors.NoRespondersError || (err instanceof natsErrors.RequestError && err.isNoResponders())) {
      return fromNatsError(new jserrors.JetStreamNotEnabled(err.message, { cause: err }));
    }
    if (/stream not found/i.test(err.message)) return new BucketMissingError(err.message, { cause: err });
    if (err instanceof natsErrors.TimeoutError) {
      // The request may have reached the server: a timed-out write can still have been stored.
      return new UnavailableError(`NATS did not answer in time (${err.message}); a write may or may not have been applied`, { cause: err });
    }
    return new UnavailableError(`NATS is unreachable: ${err.message}`, { cause: err });
  }
  if (err instanceof natsErrors.InvalidArgumentError && /max_payload/.test(err.message)) {
    // The client counts the compare-and-set headers into the payload too.
    return new ValueTooLargeError('the value and its compare-and-set headers exceed what NATS accepts in one message (max_payload)', {
      cause: err,
    });
  }
  if (err instanceof Error && /stream not found/i.test(err.message)) return new BucketMissingError(err.message, { cause: err });
  return err;
}

/** Runs a NATS call with its failure mapped to the app's errors. */
export async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw fromNatsError(err);
  }
}
