// What one SSE client of the campaign checks on every event it gets, and the state it keeps:
// ids strictly increasing on one connection; a resumed connection going on after the id it
// resumed from; no change before a first snapshot; a change's id its own revision; and every
// jump over revisions noted as a gap, for the end of the campaign to explain (a gap is legal
// only over revisions the bucket had dropped, each replaced by a later change of its key that
// the client did get). Pure: the campaign feeds it, the tests too.

/** @typedef {import('./stream-order.d.mts').Gap} Gap */
/** @typedef {{ event: string, data: string, id?: string }} StreamEvent */

export class StreamOrder {
  /** @type {Map<string, number>} key → revision, as the client holds the bucket */
  state = new Map();
  /** The id the client is at: the last it got, on this connection or the one it resumed. */
  at = 0;
  /** Whether the client holds a state yet (a snapshot came on some connection). */
  loaded = false;
  /** @type {string[]} */
  violations = [];
  /** @type {Gap[]} */
  gaps = [];
  events = 0;
  snapshots = 0;
  connections = 0;
  /** @type {number | undefined} the last id on the current connection */
  last;

  /**
   * A new connection; `resumedFrom` is the Last-Event-ID it sent, when it sent one.
   * @param {number} [resumedFrom]
   */
  connected(resumedFrom) {
    this.connections++;
    this.last = resumedFrom;
  }

  /**
   * @param {StreamEvent} event
   * @param {number} now when it arrived (for the gap's record)
   */
  receive(event, now) {
    if (event.id === undefined) return; // status and presence carry none
    const id = Number(event.id);
    this.events++;
    if (event.event === 'snapshot') {
      const snapshot = /** @type {{ revision: number, pipes: { key: string, revision: number }[] }} */ (JSON.parse(event.data));
      if (snapshot.revision !== id) this.violate(`snapshot ${snapshot.revision} sent with id ${id}`);
      this.state = new Map(snapshot.pipes.map((p) => [p.key, p.revision]));
      this.snapshots++;
      this.loaded = true;
      this.last = this.at = id;
      return;
    }
    if (event.event !== 'put' && event.event !== 'delete') return this.violate(`an event "${event.event}" with id ${id}`);
    const change = /** @type {{ key: string, revision: number }} */ (JSON.parse(event.data));
    if (change.revision !== id) this.violate(`${event.event} of ${change.key} at revision ${change.revision} sent with id ${id}`);
    if (this.last === undefined) return this.violate(`${event.event} ${id} before any snapshot on a fresh connection`);
    if (id <= this.last) return this.violate(`id ${id} after ${this.last} on one connection`);
    if (id !== this.last + 1) this.gaps.push({ from: this.last, to: id, at: now });
    if (event.event === 'put') this.state.set(change.key, id);
    else this.state.delete(change.key);
    this.last = this.at = id;
  }

  /** @param {string} message */
  violate(message) {
    this.violations.push(message);
  }
}
