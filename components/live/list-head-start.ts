// The list's whole snapshot, fetched by a script in the page itself as soon as the browser reads
// it, while the app's code still loads: the tab that leads then applies it and opens its
// EventSource from that revision, instead of waiting until React runs to ask the live channel
// for 5 MB of snapshot (10,000 pipes). GET /api/pipes comes compressed once per revision; the
// channel's snapshot is not compressed.
import type { Snapshot } from '@/lib/live/protocol';

const KEY = '__pipesListHeadStart';

/** The page's inline script (it runs under the page's CSP nonce), and its element's id. */
export const LIST_HEAD_START_ID = 'list-head-start';
export const LIST_HEAD_START_SCRIPT = `window.${KEY}=fetch('/api/pipes').then(function(r){return r.ok?r.json():undefined}).catch(function(){})`;

type HeadStartWindow = Window & { [KEY]?: Promise<Snapshot | undefined> };

/** The fetch the page started, once: later leads (another tab's, a reconnect) resume from their own state. */
export function takeListHeadStart(): Promise<Snapshot | undefined> | undefined {
  if (typeof window === 'undefined') return undefined;
  const w = window as HeadStartWindow;
  const started = w[KEY];
  delete w[KEY];
  return started;
}
