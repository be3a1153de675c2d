// The change archive: records of every revision (exactly once), history, changes, deleted pipes.
export { Archiver, type ArchiveState } from './archiver';
export { getArchiver } from './instance';
export { listChanges, listDeleted, pipeHistory, type DeletedPipe } from './archive-service';
export type { ArchiveRecord, Attribution } from './record';
