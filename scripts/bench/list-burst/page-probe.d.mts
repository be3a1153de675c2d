// What pageProbe (setup.mjs) keeps in each tab, as window.__listBurst, for the benchmark's
// page.evaluate() callbacks. Times are on the wall clock shared with the bench process.

export type LongTask = { start: number; duration: number };

export type LongFrame = {
  start: number;
  duration: number;
  blockingDuration: number;
  /** Style, layout and paint at the end of the frame. */
  renderMs: number;
  scripts: { invoker: string; invokerType: string; duration: number; forcedStyleAndLayoutMs: number }[];
};

export type MarkerWatch = {
  key: string;
  text: string;
  /** When the marker row showed `text` in the DOM. */
  visibleAt: number | undefined;
  /** The frame after that. */
  frameAt: number | undefined;
  done: () => void;
  settled?: Promise<unknown>;
};

export type PageProbe = {
  longTasks: LongTask[];
  frames: LongFrame[];
  sources: EventSource[];
  watch: MarkerWatch | undefined;
  /** EventSources of this tab that are not closed: 1 in the leader, 0 in a follower. */
  openSources(): number;
  /** Watches for the marker row to read `text`; wait() settles then, or after `timeoutMs`. */
  arm(key: string, text: string, timeoutMs: number): void;
  wait(): Promise<{ visibleAt: number | undefined; frameAt: number | undefined }>;
};

declare global {
  interface Window {
    __listBurst: PageProbe;
  }
}
