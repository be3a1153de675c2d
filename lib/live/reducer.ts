// The browser's live state, framework-free: one reducer applies snapshot/put/delete/status/presence
// events and ignores any change whose id it has already applied.
import type { Change, Entry } from '@/lib/pipes/entry';
import type { JetStreamState, LinkState, LiveEvent, PresenceEntry } from './protocol';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** One change as this tab saw it arrive, with the value it replaced (for the feed's diff). */
export type ReceivedChange = { change: Change; previous: Entry | undefined; receivedAt: number };

export type LiveState = {
  /** A snapshot has been applied: `pipes` is the bucket as of `revision`. */
  synced: boolean;
  revision: number;
  pipes: ReadonlyMap<string, Entry>;
  connection: ConnectionState;
  /** The server's link to NATS, and whether JetStream answers on it, as its last status said. */
  nats: LinkState | undefined;
  jetstream: JetStreamState | undefined;
  /** When the last put/delete arrived (ms since epoch). */
  lastChangeAt: number | undefined;
  /** Most recent changes first, bounded. */
  recent: readonly ReceivedChange[];
  /**
   * Who has which pipe open, by key, as the last presence event said (in its order). A key's
   * list keeps its identity while it does not change, so a row re-renders only for its own.
   */
  presence: ReadonlyMap<string, readonly PresenceEntry[]>;
  /** The heartbeat interval the server announced with it; undefined until the first one. */
  intervalMs: number | undefined;
};

/**
 * `events` is what arrived since the last animation frame, in order: applying them together
 * copies the pipes map once, not once per event, so a burst of edits does not stall the tab.
 */
export type LiveAction = { type: 'events'; events: readonly LiveEvent[]; at: number } | { type: 'connection'; state: ConnectionState };

export const RECENT_LIMIT = 500;

export const initialLiveState: LiveState = {
  synced: false,
  revision: 0,
  pipes: new Map(),
  connection: 'connecting',
  nats: undefined,
  jetstream: undefined,
  lastChangeAt: undefined,
  recent: [],
  presence: new Map(),
  intervalMs: undefined,
};

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  if (action.type === 'connection') {
    return action.state === state.connection ? state : { ...state, connection: action.state };
  }
  const { events, at } = action;
  let next = state;
  // The map this batch made (a copy, or a snapshot's): the only one it may change in place.
  let own: Map<string, Entry> | undefined;
  const received: ReceivedChange[] = [];
  for (const event of events) {
    switch (event.event) {
      case 'status':
        if (next.nats !== event.data.nats || next.jetstream !== event.data.jetstream) {
          next = { ...next, nats: event.data.nats, jetstream: event.data.jetstream };
        }
        break;
      case 'presence': {
        const presence = presenceByKey(next.presence, event.data.presence);
        if (presence !== next.presence || next.intervalMs !== event.data.interval_ms) {
          next = { ...next, presence, intervalMs: event.data.interval_ms };
        }
        break;
      }
      case 'snapshot':
        own = new Map(event.data.pipes.map((e) => [e.key, e]));
        next = { ...next, synced: true, connection: 'live', revision: event.data.revision, pipes: own };
        break;
      case 'put':
      case 'delete': {
        // A change already applied (a resumed stream, a second tab's echo) changes nothing.
        if (!next.synced || event.id <= next.revision) {
          if (next.connection !== 'live') next = { ...next, connection: 'live' };
          break;
        }
        own ??= new Map(next.pipes);
        const change = event.data;
        const previous = own.get(change.key);
        if (event.event === 'put') own.set(change.key, event.data);
        else own.delete(change.key);
        received.push({ change, previous, receivedAt: at });
        next = { ...next, connection: 'live', revision: event.id, pipes: own, lastChangeAt: at };
        break;
      }
    }
  }
  if (received.length === 0) return next;
  return { ...next, recent: [...received.slice(-RECENT_LIMIT).reverse(), ...next.recent].slice(0, RECENT_LIMIT) };
}

/** The entries grouped by key, reusing `previous`'s lists (and `previous` itself) where nothing changed. */
function presenceByKey(
  previous: ReadonlyMap<string, readonly PresenceEntry[]>,
  entries: readonly PresenceEntry[],
): ReadonlyMap<string, readonly PresenceEntry[]> {
  const grouped = new Map<string, PresenceEntry[]>();
  for (const entry of entries) {
    const list = grouped.get(entry.key);
    if (list) list.push(entry);
    else grouped.set(entry.key, [entry]);
  }
  let same = grouped.size === previous.size;
  const next = new Map<string, readonly PresenceEntry[]>();
  for (const [key, list] of grouped) {
    const before = previous.get(key);
    const kept = before && samePresence(before, list) ? before : list;
    if (kept !== before) same = false;
    next.set(key, kept);
  }
  return same ? previous : next;
}

function samePresence(a: readonly PresenceEntry[], b: readonly PresenceEntry[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return x.user === y.user && x.role === y.role && x.editing === y.editing && x.since === y.since;
    })
  );
}
