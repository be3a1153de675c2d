// What firstScreenProbe (probe.mjs) keeps in the tab, as window.__firstScreen, for the
// benchmark's page.evaluate(). Times are the page's own performance.now(): ms since the
// navigation started (performance.timeOrigin), so they need no clock shared with the bench.

export type ProbeMode = 'view' | 'search';

export type ProbeOptions = {
  /** view: only watch the list; search: also type `searchKey` into the search as soon as it exists. */
  mode: ProbeMode;
  searchKey: string;
  timeoutMs: number;
};

export type LongTask = { start: number; duration: number };

export type LongFrame = {
  start: number;
  duration: number;
  /** Style, layout and paint at the end of the frame. */
  renderMs: number;
  /** Scripts of 5 ms or more in it. */
  scripts: { invoker: string; duration: number }[];
};

export type FirstScreenProbe = {
  mode: ProbeMode;
  /** The first `tr[data-key]` on screen: in the DOM, not in a `hidden` element, with a layout box, the page's stylesheets loaded. */
  firstRowAt: number | undefined;
  /** The frame after that. */
  firstRowFrameAt: number | undefined;
  /** The first `tr[data-key]` in the DOM at all (laid out or not, styled or not). */
  rowInDomAt: number | undefined;
  /** The search input first in the DOM. */
  inputAt: number | undefined;
  /** search mode: times the query was set and an input event dispatched. */
  typings: number;
  /** search mode: times the probe found the input no longer holding the query it had typed, and the last of them. */
  valueResets: number;
  valueResetAt: number | undefined;
  /** search mode: the list showed exactly the searched row (laid out) and no other. */
  searchAt: number | undefined;
  searchFrameAt: number | undefined;
  loadAt: number | undefined;
  /** The page's first EventSource constructed. */
  eventSourceAt: number | undefined;
  /** The first `snapshot` event reached the app's listener, and when that listener returned. */
  snapshotAt: number | undefined;
  snapshotHandledAt: number | undefined;
  longTasks: LongTask[];
  frames: LongFrame[];
  timedOut: boolean;
  /**
   * Settles once the figure of the mode, its next frame and the load event are in (view: and the
   * snapshot handled, or 5 s more), or on the timeout.
   */
  settled: Promise<unknown>;
  /** UTF-8 bytes of the snapshot event's data and the pipes in it (computed when asked, after the measurement). */
  snapshotSize(): { bytes: number; pipes: number } | undefined;
};

declare global {
  interface Window {
    __firstScreen: FirstScreenProbe;
  }
}
