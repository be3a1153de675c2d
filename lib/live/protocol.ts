// The live event protocol, shared by the server's SSE stream and the browser. Every event with an
// id brings the client to that bucket revision; `status` events carry no id.
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

export type LiveEvent =
  | { event: 'snapshot'; id: number; data: Snapshot }
  | { event: 'put'; id: number; data: Entry }
  | { event: 'delete'; id: number; data: DeleteMarker }
  | { event: 'status'; data: StatusData };

export const LIVE_EVENT_NAMES = ['snapshot', 'put', 'delete', 'status'] as const;
