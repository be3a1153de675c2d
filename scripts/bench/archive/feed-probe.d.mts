// What feedProbe (measure.mjs) keeps in each tab, as window.__archiveFeed, for the benchmark's
// page.evaluate() callbacks. Times are on the wall clock shared with the bench process.

export type FeedProbe = {
  /** When the feed's list first held the rows waited for. */
  inDomAt: number | undefined;
  /** The frame after that. */
  frameAt: number | undefined;
  /** Rows the list held at the last check. */
  rows: number;
  /** Settles after the frame, or after the probe's timeout. */
  settled: Promise<unknown> | undefined;
};

declare global {
  interface Window {
    __archiveFeed: FeedProbe;
  }
}
