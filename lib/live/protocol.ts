// The live event protocol, shared by the server's SSE stream and the browser. Every event with an
// id brings the client to that bucket revision; `status` and `presence` events carry no id.
import { LIVE_DEFAULTS } from '@/lib/defaults.mjs';
import type { DeleteMarker, Entry } from '@/lib/pipes/entry';

/** The server's link to NATS. */
export const LinkState = {
  connected: 'connected',
  reconnecting: 'reconnecting',
  disconnected: 'disconnected',
} as const;
export type LinkState = (typeof LinkState)[keyof typeof LinkState];

/**
 * Whether JetStream answers on that link: a nats-server restarted without JetStream comes back
 * "connected", yet no bucket operation can work.
 */
export type JetStreamState = 'available' | 'unavailable';

/** The state of the bucket: every live entry, and the revision it stands at. */
export type Snapshot = { revision: number; pipes: Entry[] };
export type StatusData = { nats: LinkState; jetstream: JetStreamState; ready: boolean; revision: number };

/**
 * One signed-in user with one pipe open, over every tab and console instance: `editing` when any
 * of those tabs holds unsaved edits, `since` when the earliest of them opened it (ISO time).
 */
export type PresenceEntry = { key: string; user: string; role: 'admin' | 'viewer'; editing: boolean; since: string };
/** Everyone's presence, sorted by key then user, and the heartbeat interval every tab must keep. */
export type PresenceData = { presence: PresenceEntry[]; interval_ms: number };
/** The heartbeat interval a tab keeps until the server has announced its own. */
export const DEFAULT_PRESENCE_INTERVAL_MS = LIVE_DEFAULTS.presenceIntervalMs;

export type LiveEvent =
  | { event: 'snapshot'; id: number; data: Snapshot }
  | { event: 'put'; id: number; data: Entry }
  | { event: 'delete'; id: number; data: DeleteMarker }
  | { event: 'status'; data: StatusData }
  // Like `status`, without an id: presence is not part of the bucket's revisions.
  | { event: 'presence'; data: PresenceData };

export const LIVE_EVENT_NAMES = ['snapshot', 'put', 'delete', 'status', 'presence'] as const;
