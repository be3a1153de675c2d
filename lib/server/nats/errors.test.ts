import { JetStreamApiError } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import { errors as natsErrors } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '@/lib/server/errors';
import { BucketMissingError, fromNatsError, JetStreamUnavailableError, RevisionMismatchError, ValueTooLargeError } from './errors';

const apiError = (err_code: number, description: string, code = 400) => new JetStreamApiError({ code, err_code, description });

describe('fromNatsError', () => {
  it.each([10071, 10164])('a wrong last sequence (code %i) is a lost compare-and-set', (code) => {
    expect(fromNatsError(apiError(code, 'wrong last sequence: 7'))).toBeInstanceOf(RevisionMismatchError);
  });

  it('a missing stream is a missing bucket', () => {
    expect(fromNatsError(apiError(10059, 'stream not found'))).toBeInstanceOf(BucketMissingError);
  });

  it('JetStream not answering is a 503 that names JetStream', () => {
    const mapped = fromNatsError(new jserrors.JetStreamNotEnabled('jetstream is not enabled'));
    expect(mapped).toBeInstanceOf(JetStreamUnavailableError);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect((mapped as Error).message).toBe(
      'JetStream did not answer: it is not enabled on the NATS server, or the pipes bucket is missing',
    );
  });

  it('a cluster without a stream leader for the moment is a 503 that says to try again', () => {
    const mapped = fromNatsError(apiError(10008, 'JetStream system temporarily unavailable', 503));
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect((mapped as Error).message).toBe(
      'JetStream is temporarily unavailable (JetStream system temporarily unavailable): the cluster has no leader for the moment; try again',
    );
  });

  it('a payload over max_payload once the headers are counted is a value too large', () => {
    const mapped = fromNatsError(natsErrors.InvalidArgumentError.format('payload', 'max_payload size exceeded'));
    expect(mapped).toBeInstanceOf(ValueTooLargeError);
  });

  it('a time-out says the write may or may not have been applied', () => {
    const mapped = fromNatsError(new natsErrors.TimeoutError());
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect((mapped as Error).message).toMatch(/may or may not have been applied$/);
  });

  it('an error it does not know passes through unchanged', () => {
    const err = new Error('something else');
    expect(fromNatsError(err)).toBe(err);
  });
});
