import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceReporter, RATE_WINDOW_MS, type PresenceBody, type PresencePorts } from './presence-reporter';

/** A page in miniature: the clock is vitest's, posts are answered by the test (or at once with `status`). */
class FakePage {
  status = 204;
  /** When set, posts wait for the test to answer them. */
  holdPosts = false;
  readonly posts: { at: number; body: PresenceBody; answer(status: number | 'unreachable'): void }[] = [];
  readonly beacons: PresenceBody[] = [];
  private readonly hideListeners = new Set<() => void>();
  private readonly restoreListeners = new Set<() => void>();

  readonly ports: PresencePorts = {
    tabId: 'tab-1',
    post: (body) =>
      new Promise<number>((resolve, reject) => {
        const answer = (status: number | 'unreachable') =>
          status === 'unreachable' ? reject(new TypeError('Failed to fetch')) : resolve(status);
        this.posts.push({ at: Date.now(), body, answer });
        if (!this.holdPosts) answer(this.status);
      }),
    beacon: (body) => this.beacons.push(body),
    after: (ms, callback) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
    now: () => Date.now(),
    onPageHide: (listener) => {
      this.hideListeners.add(listener);
      return () => this.hideListeners.delete(listener);
    },
    onPageRestored: (listener) => {
      this.restoreListeners.add(listener);
      return () => this.restoreListeners.delete(listener);
    },
  };

  hide(): void {
    for (const listener of this.hideListeners) listener();
  }

  restore(): void {
    for (const listener of this.restoreListeners) listener();
  }

  /** What was posted: [ms since the test began, key, editing]. */
  sent(): [number, string | null, boolean][] {
    return this.posts.map((p) => [p.at, p.body.key, p.body.editing]);
  }
}

let page: FakePage;
let reporter: PresenceReporter;
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  page = new FakePage();
  reporter = new PresenceReporter(page.ports);
  reporter.start();
});
afterEach(() => {
  reporter.stop();
  vi.useRealTimers();
});

describe('PresenceReporter', () => {
  it('posts the pipe the tab shows, with its own tab id', async () => {
    reporter.report('top_events', false);
    await wait(0);
    expect(page.posts.map((p) => p.body)).toEqual([{ tab: 'tab-1', key: 'top_events', editing: false }]);
  });

  it('makes one post of the last of several reports in one turn', async () => {
    // A page that changes leaves one pipe and opens the next in one commit.
    reporter.report('a', false);
    reporter.report(null, false);
    reporter.report('b', true);
    await wait(0);
    expect(page.sent()).toEqual([[0, 'b', true]]);
  });

  it('posts when the editing flag changes, and not when the same is reported again', async () => {
    reporter.report('a', false);
    await wait(0);
    reporter.report('a', false);
    await wait(0);
    reporter.report('a', true);
    await wait(0);
    expect(page.sent()).toEqual([
      [0, 'a', false],
      [0, 'a', true],
    ]);
  });

  it('heartbeats every 10 s until the server announces an interval', async () => {
    reporter.report('a', false);
    await wait(25_000);
    expect(page.sent().map(([at]) => at)).toEqual([0, 10_000, 20_000]);
  });

  it('follows the interval the server announces, and each change of it', async () => {
    reporter.report('a', true);
    await wait(100);
    reporter.setInterval(500);
    await wait(1_000);
    reporter.setInterval(2_000);
    await wait(4_500);
    expect(page.sent().map(([at]) => at)).toEqual([0, 500, 1_000, 3_000, 5_000]);
    expect(page.posts.every((p) => p.body.key === 'a' && p.body.editing)).toBe(true);
  });

  it('says goodbye once when the tab leaves its pipe, then stays silent', async () => {
    reporter.report('a', true);
    await wait(0);
    reporter.report(null, true);
    await wait(60_000);
    expect(page.sent()).toEqual([
      [0, 'a', true],
      [0, null, false],
    ]);
  });

  it('posts nothing for a tab that never shows a pipe', async () => {
    reporter.report(null, false);
    reporter.setInterval(500);
    await wait(60_000);
    expect(page.posts).toHaveLength(0);
  });

  it('makes one post at a time: a change during a post is posted when it is answered', async () => {
    page.holdPosts = true;
    reporter.report('a', false);
    await wait(0);
    reporter.report('a', true);
    await wait(5_000);
    expect(page.sent()).toEqual([[0, 'a', false]]);
    page.posts[0]!.answer(204);
    await wait(0);
    expect(page.sent()).toEqual([
      [0, 'a', false],
      [5_000, 'a', true],
    ]);
  });

  it('a post refused for posting too often is made again after the rate window; its presence is kept meanwhile', async () => {
    reporter.report('a', false);
    await wait(0);
    page.status = 429;
    reporter.report('a', true);
    await wait(0);
    page.status = 204;
    await wait(RATE_WINDOW_MS);
    expect(page.sent()).toEqual([
      [0, 'a', false],
      [0, 'a', true],
      [RATE_WINDOW_MS, 'a', true],
    ]);
  });

  it('a refused heartbeat waits for the next heartbeat', async () => {
    reporter.setInterval(5_000);
    reporter.report('a', false);
    await wait(0);
    page.status = 429;
    await wait(5_000);
    page.status = 204;
    await wait(5_000);
    expect(page.sent().map(([at]) => at)).toEqual([0, 5_000, 10_000]);
  });

  it('a failed post is made again at the next heartbeat, not at once', async () => {
    reporter.setInterval(5_000);
    page.status = 503;
    reporter.report('a', false);
    await wait(4_999);
    expect(page.posts).toHaveLength(1);
    page.status = 204;
    await wait(1);
    expect(page.sent().map(([at]) => at)).toEqual([0, 5_000]);
  });

  it('a post that cannot reach the console is made again at the next heartbeat', async () => {
    reporter.setInterval(5_000);
    page.holdPosts = true;
    reporter.report('a', false);
    await wait(0);
    page.posts[0]!.answer('unreachable');
    await wait(4_999);
    expect(page.posts).toHaveLength(1);
    await wait(1);
    expect(page.sent().map(([at, key]) => [at, key])).toEqual([
      [0, 'a'],
      [5_000, 'a'],
    ]);
  });

  it('after a failure, a new state is posted at once', async () => {
    reporter.setInterval(5_000);
    page.status = 503;
    reporter.report('a', false);
    await wait(1_000);
    page.status = 204;
    reporter.report('a', true);
    await wait(0);
    expect(page.sent()).toEqual([
      [0, 'a', false],
      [1_000, 'a', true],
    ]);
  });

  it('says goodbye with a beacon when the page goes away, and posts nothing after', async () => {
    reporter.report('a', true);
    await wait(0);
    page.hide();
    await wait(60_000);
    expect(page.beacons).toEqual([{ tab: 'tab-1', key: null, editing: false }]);
    expect(page.posts).toHaveLength(1);
  });

  it('sends no beacon from a page on no pipe', async () => {
    reporter.report('a', false);
    await wait(0);
    reporter.report(null, false);
    await wait(0);
    page.hide();
    expect(page.beacons).toHaveLength(0);
  });

  it('says goodbye even when the page goes away during its first post', async () => {
    page.holdPosts = true;
    reporter.report('a', false);
    await wait(0);
    page.hide();
    page.posts[0]!.answer(204); // answered after the beacon went: it no longer holds
    await wait(60_000);
    expect(page.beacons).toHaveLength(1);
    expect(page.posts).toHaveLength(1);
  });

  it('a post answered after the goodbye does not count: back from the cache, the page posts at once', async () => {
    reporter.setInterval(5_000);
    page.holdPosts = true;
    reporter.report('a', false);
    await wait(0);
    page.hide();
    page.posts[0]!.answer(204);
    page.holdPosts = false;
    await wait(1_000);
    page.restore();
    await wait(0);
    expect(page.sent().map(([at]) => at)).toEqual([0, 1_000]);
  });

  it('back from the back/forward cache, posts its pipe again and heartbeats', async () => {
    reporter.setInterval(500);
    reporter.report('a', true);
    await wait(0);
    page.hide();
    await wait(10_000);
    page.restore();
    await wait(1_200);
    expect(page.sent()).toEqual([
      [0, 'a', true],
      [10_000, 'a', true],
      [10_500, 'a', true],
      [11_000, 'a', true],
    ]);
  });

  it('stopping says goodbye and ends the heartbeat', async () => {
    reporter.report('a', false);
    await wait(0);
    reporter.stop();
    await wait(60_000);
    expect(page.beacons).toEqual([{ tab: 'tab-1', key: null, editing: false }]);
    expect(page.posts).toHaveLength(1);
  });

  it('posts nothing until started, then what was reported meanwhile', async () => {
    // The editor reports its pipe in an effect that runs before the provider's, which starts it.
    const late = new PresenceReporter(page.ports);
    late.report('b', true);
    await wait(60_000);
    expect(page.posts).toHaveLength(0);
    late.start();
    await wait(0);
    expect(page.sent()).toEqual([[60_000, 'b', true]]);
    late.stop();
  });

  it('started again after a stop, posts its pipe again', async () => {
    reporter.report('a', false);
    await wait(0);
    reporter.stop();
    reporter.start();
    await wait(0);
    expect(page.sent()).toEqual([
      [0, 'a', false],
      [0, 'a', false],
    ]);
    expect(page.beacons).toHaveLength(1);
  });
});
