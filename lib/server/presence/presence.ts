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

/** Posts one tab may make a second (a goodbye always passes): more are refused (429) and change nothing. */
export const POSTS_PER_SECOND = 5;
/** Posts one user may make a second over all their tabs, so fresh tab ids do not get round the limit. */
const USER_POSTS_PER_SECOND = 100;
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
  private readonly tabLimiter = new WindowLimiter(POSTS_PER_SECOND, 1_000);
  private readonly userLimiter = new WindowLimiter(USER_POSTS_PER_SECOND, 1_000);
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
    this.board = new PresenceBoard({ ...DEFAULT_LIMITS, idleMs: intervalMs });
  }

  /** Joins the other instances once the NATS link is open. */
  async start(opened: Promise<{ link: NatsLink }>): Promise<void> {
    // Tabs post before NATS is there too: they must expire all the same.
    this.expiry = setInterval(() => this.board.expire(Date.now()) && this.changed(), Math.max(50, this.intervalMs / 2));
    this.expiry.unref();
    const { link } = await opened;
    this.channel = new PresenceChannel<PresenceMessage>(link.connection, this.bucket);
    this.stopChannel = this.channel.subscribe((message) => this.onMessage(message));
  }

  /** Says goodbye for this instance's tabs, so the others drop them at once. */
  stop(): void {
    this.channel?.publish({ type: 'gone', instance: this.instance });
    this.stopChannel?.();
    clearInterval(this.expiry);
    clearTimeout(this.emitTimer);
  }

  /**
   * A tab's post; TooManyRequestsError past five a second from one tab or a hundred from one
   * user (the tab's presence stays as it was). A goodbye always passes.
   */
  post(principal: Principal, post: PresencePost): void {
    const tab = post.tab ?? `credential:${principal.via}:${principal.name}`;
    if (post.key !== null) this.throttle(principal.name, tab);
    const report: TabReport = {
      instance: this.instance,
      tab,
      user: principal.name,
      role: principal.role,
      key: post.key,
      editing: post.editing,
      ttlMs: 3 * this.intervalMs,
    };
    const outcome = this.board.report(report, Date.now());
    if (outcome === 'full')
      throw new UnavailableError(
        `presence is full (${this.board.size} tabs, at most ${DEFAULT_LIMITS.maxTabsPerUser} a user); this tab is not shown`,
      );
    this.channel?.publish({ type: 'tab', report });
    if (outcome === 'changed') this.changed();
  }

  private throttle(user: string, tab: string): void {
    const tabKey = `${user}\u0000${tab}`;
    const wait = Math.max(this.tabLimiter.retryAfter(tabKey), this.userLimiter.retryAfter(user));
    if (wait > 0) throw new TooManyRequestsError('too many presence posts a second from this tab or user; its presence is kept', wait);
    this.tabLimiter.count(tabKey);
    this.userLimiter.count(user);
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
