// The live event protocol of SPEC §4, shared by the server's SSE stream and the browser.
import type { DeleteMarker, Entry } from '@/lib/pipes/entry';

export type NatsLinkState = 'connected' | 'reconnecting' | 'disconnected';

export type SnapshotData = { revision: number; pipes: Entry[] };
export type StatusData = { nats: NatsLinkState; ready: boolean; revision: number };

export type LiveEvent =
  | { event: 'snapshot'; id: number; data: SnapshotData }
  | { event: 'put'; id: number; data: Entry }
  | { event: 'delete'; id: number; data: DeleteMarker }
  | { event: 'status'; data: StatusData };

export const LIVE_EVENT_NAMES = ['snapshot', 'put', 'delete', 'status'] as const;
export type LiveEventName = (typeof LIVE_EVENT_NAMES)[number];
