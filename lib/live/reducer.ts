// The browser's live state, framework-free: one reducer applies snapshot/put/delete/status
// events and ignores any change whose id it has already applied.
import type { Change, Entry } from '@/lib/pipes/entry';
import type { LiveEvent, NatsLinkState } from './protocol';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** One change as this tab saw it arrive, with the value it replaced (for the feed's diff). */
export type ReceivedChange = { change: Change; previous: Entry | undefined; receivedAt: number };

export type LiveState = {
  /** A snapshot has been applied: `pipes` is the bucket as of `revision`. */
  synced: boolean;
  revision: number;
  pipes: ReadonlyMap<string, Entry>;
  connection: ConnectionState;
  nats: NatsLinkState | undefined;
  /** When the last put/delete arrived (ms since epoch). */
  lastChangeAt: number | undefined;
  /** Most recent changes first, bounded. */
  recent: readonly ReceivedChange[];
};

export type LiveAction = { type: 'event'; event: LiveEvent; at: number } | { type: 'connection'; state: ConnectionState };

export const RECENT_LIMIT = 500;

export const initialLiveState: LiveState = {
  synced: false,
  revision: 0,
  pipes: new Map(),
  connection: 'connecting',
  nats: undefined,
  lastChangeAt: undefined,
  recent: [],
};

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  if (action.type === 'connection') {
    return action.state === state.connection ? state : { ...state, connection: action.state };
  }
  const { event, at } = action;
  switch (event.event) {
    case 'status':
      return { ...state, nats: event.data.nats };
    case 'snapshot':
      return {
        ...state,
        synced: true,
        connection: 'live',
        revision: event.data.revision,
        pipes: new Map(event.data.pipes.map((e) => [e.key, e])),
      };
    case 'put':
    case 'delete': {
      // A change already applied (a resumed stream, a second tab's echo) changes nothing.
      if (!state.synced || event.id <= state.revision) return state.connection === 'live' ? state : { ...state, connection: 'live' };
      const change = event.data;
      const pipes = new Map(state.pipes);
      const previous = pipes.get(change.key);
      if (event.event === 'put') pipes.set(change.key, event.data);
      else pipes.delete(change.key);
      return {
        ...state,
        connection: 'live',
        revision: event.id,
        pipes,
        lastChangeAt: at,
        recent: [{ change, previous, receivedAt: at }, ...state.recent].slice(0, RECENT_LIMIT),
      };
    }
  }
}

/** The pipes sorted by key, as the API lists them. */
export function sortedPipes(pipes: ReadonlyMap<string, Entry>): Entry[] {
  return [...pipes.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
