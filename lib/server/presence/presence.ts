import 'server-only';
import type { PresenceData } from '@/lib/live/protocol';
import { encodeEvent } from '@/lib/live/sse';
import type { Principal } from '@/lib/server/auth';
import { TooManyRequestsError, UnavailableError } from '@/lib/server/errors';
import { WindowLimiter } from '@/lib/server/http/window-limiter';
import { INSTANCE } from '@/lib/server/instance-name';
import { PresenceChannel, type NatsLink } from '@/lib/server/nats';
import { DEFAULT_LIMITS, PresenceBoard, type PresenceEntry, type TabReport } from './presence-board';

/** What instances send each other: a tab's report (a heartbeat too), or "all my tabs are gone". */
export type PresenceMessage = { type: 'tab'; report: TabReport } | { type: 'gone'; instance: string };

/** One tab's post: which pipe it shows (null: none, a goodbye) and whether it holds unsaved edits. */
export type PresencePost = { tab?: string; key: string | null; editing: boolean };

export type PresenceListener = (frame: Buffer) => void;

/** Posts one tab may make a second: more are refused (429) and change nothing. */
const POSTS_PER_SECOND = 5;
/** The SSE `presence` event goes out at most this often, however many tabs move. */
const EMIT_EVERY_MS = 250;

/**
 * Who has which pipe open, across every console instance on the bucket. Tabs post to their
 * instance; it keeps them on its board and tells the others over core NATS, which keep them too;
 * a tab that stops posting (closed, crashed, or its instance died) expires after three heartbeat
 * intervals. Every change reaches the event streams as one `presence` frame, encoded once and at
 * most four times a second.
 */
export class Presence {
  private readonly board: PresenceBoard;
  private readonly limiter = new WindowLimiter(POSTS_PER_SECOND, 1_000);
  private readonly listeners = new Set<PresenceListener>();
  private channel: PresenceChannel<PresenceMessage> | undefined;
  private stopChannel: (() => void) | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private emitTimer: NodeJS.Timeout | undefined;
  private lastEmitAt = 0;
  private cachedFrame: Buffer | undefined;

  constructor(
    readonly intervalMs: number,
    private readonly bucket: string,
    private readonly instance = INSTANCE,
  ) {
    this.board = new PresenceBoard({ ttlMs: 3 * intervalMs, ...DEFAULT_LIMITS });
  }

  /** Joins the other instances once the NATS link is open. */
  async start(opened: Promise<{ link: NatsLink }>): Promise<void> {
    const { link } = await opened;
    this.channel = new PresenceChannel<PresenceMessage>(link.connection, this.bucket);
    this.stopChannel = this.channel.subscribe((message) => this.onMessage(message));
    this.expiry = setInterval(() => this.board.expire(Date.now()) && this.changed(), Math.max(50, this.intervalMs / 2));
    this.expiry.unref();
  }

  /** Says goodbye for this instance's tabs, so the others drop them at once. */
  stop(): void {
    this.channel?.publish({ type: 'gone', instance: this.instance });
    this.stopChannel?.();
    clearInterval(this.expiry);
    clearTimeout(this.emitTimer);
  }

  /** A tab's post; TooManyRequestsError past five a second (its presence stays as it was). */
  post(principal: Principal, post: PresencePost): void {
    const tab = post.tab ?? `credential:${principal.via}:${principal.name}`;
    const limitKey = `${principal.name}\u0000${tab}`;
    const wait = this.limiter.retryAfter(limitKey);
    if (wait > 0)
      throw new TooManyRequestsError(`more than ${POSTS_PER_SECOND} presence posts a second from one tab; its presence is kept`, wait);
    this.limiter.count(limitKey);
    const report: TabReport = {
      instance: this.instance,
      tab,
      user: principal.name,
      role: principal.role,
      key: post.key,
      editing: post.editing,
    };
    const outcome = this.board.report(report, Date.now());
    if (outcome === 'full') throw new UnavailableError(`presence is full (${this.board.size} tabs); this tab is not shown`);
    if (post.key === null) this.limiter.forget(limitKey);
    this.channel?.publish({ type: 'tab', report });
    if (outcome === 'changed') this.changed();
  }

  entries(): PresenceEntry[] {
    return this.board.entries();
  }

  /** The current `presence` SSE frame, encoded once per change. */
  frame(): Buffer {
    this.cachedFrame ??= Buffer.from(
      encodeEvent('presence', JSON.stringify({ presence: this.board.entries(), interval_ms: this.intervalMs } satisfies PresenceData)),
    );
    return this.cachedFrame;
  }

  subscribe(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onMessage(message: PresenceMessage): void {
    if (message.type === 'gone') {
      if (message.instance !== this.instance && this.board.dropInstance(message.instance)) this.changed();
      return;
    }
    if (message.report.instance === this.instance) return; // applied when it was posted
    if (this.board.report(message.report, Date.now()) === 'changed') this.changed();
  }

  /** Presence changed: one frame for every stream, at most every 250 ms (the last change always goes out). */
  private changed(): void {
    this.cachedFrame = undefined;
    if (this.emitTimer) return;
    const wait = Math.max(0, this.lastEmitAt + EMIT_EVERY_MS - Date.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      this.lastEmitAt = Date.now();
      const frame = this.frame();
      for (const listener of this.listeners) listener(frame);
    }, wait);
    this.emitTimer.unref();
  }
}
