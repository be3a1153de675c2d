// The one NATS adapter: the only module that imports @nats-io/*. What leaves it is app types.
export { openNatsLink, type NatsLink } from './connection';
export { PipeBucket, type BucketInfo, type BucketWatch, type WatchedChange } from './bucket';
export { ArchiveMissingError, BucketMissingError, JetStreamUnavailableError, RevisionMismatchError, ValueTooLargeError } from './errors';
export { ArchiveStream, type ArchiveSettings, type StoredText } from './archive-stream';
export { IntentChannel, type IntentMessage } from './intents';
export { PresenceChannel } from './presence-channel';
export { LeaseStore, LEASES_BUCKET, type LeaseRecord } from './lease-store';
