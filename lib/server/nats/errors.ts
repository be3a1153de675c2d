import 'server-only';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
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

/** Maps a NATS failure to the app's errors; what is not recognised passes through. */
export function fromNatsError(err: unknown): unknown {
  if (err instanceof JetStreamApiError) {
    if (err.code === JetStreamApiCodes.StreamWrongLastSequence) return new RevisionMismatchError(err.message, { cause: err });
    if (err.code === JetStreamApiCodes.StreamNotFound) return new BucketMissingError(err.message, { cause: err });
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
    if (err instanceof natsErrors.NoRespondersError || /stream not found/i.test(err.message)) {
      return new BucketMissingError(err.message, { cause: err });
    }
    if (err instanceof natsErrors.TimeoutError) {
      // The request may have reached the server: a timed-out write can still have been stored.
      return new UnavailableError(`NATS did not answer in time (${err.message}); a write may or may not have been applied`, { cause: err });
    }
    return new UnavailableError(`NATS is unreachable: ${err.message}`, { cause: err });
  }
  if (err instanceof Error && /stream not found/i.test(err.message)) return new BucketMissingError(err.message, { cause: err });
  return err;
}
