// Binds PresenceReporter to the browser: fetch, navigator.sendBeacon, pagehide/pageshow,
// setTimeout and the clock. No logic of its own beyond that.
import { PresenceReporter, type PresenceBody } from './presence-reporter';
import { thisTabId } from './tab-id';

const URL = '/api/presence';

/** The tab's reporter; touches nothing of the browser until started (so it can be made while rendering on the server). */
export function browserPresenceReporter(): PresenceReporter {
  return new PresenceReporter({
    get tabId() {
      return thisTabId();
    },
    async post(body: PresenceBody) {
      const res = await fetch(URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      await res.body?.cancel();
      return res.status;
    },
    beacon(body: PresenceBody) {
      navigator.sendBeacon(URL, new Blob([JSON.stringify(body)], { type: 'application/json' }));
    },
    after(ms, callback) {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
    now: () => Date.now(),
    onPageHide(listener) {
      window.addEventListener('pagehide', listener);
      return () => window.removeEventListener('pagehide', listener);
    },
    onPageRestored(listener) {
      const onShow = (event: PageTransitionEvent) => {
        if (event.persisted) listener();
      };
      window.addEventListener('pageshow', onShow);
      return () => window.removeEventListener('pageshow', onShow);
    },
  });
}
