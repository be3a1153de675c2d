export { getHub, Hub, type HubEvent, type HubListener, type HubSettings, type HubStatus } from './hub';
export type { Snapshot } from './pipe-cache';
