// The one NATS adapter: the only module that imports @nats-io/*. What leaves it is app types.
export { openNatsLink, LinkState, type NatsLink } from './connection';
export { PipeBucket, type BucketInfo, type BucketWatch, type WatchedChange } from './bucket';
export { BucketMissingError, RevisionMismatchError, ValueTooLargeError } from './errors';
