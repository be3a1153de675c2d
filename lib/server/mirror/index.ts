// The pipes.json mirror for a WaveHouse that reads its settings directory.
export { Mirror, type MirrorSettings, type MirrorStatus, type MirrorSummary } from './mirror';
export { getMirror } from './instance';
