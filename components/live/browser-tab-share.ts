// Binds TabShare to the browser: navigator.locks, BroadcastChannel, the page's visibility and
// setTimeout. No logic of its own beyond that.
import { TabShare, type ChannelPort, type TabShareHost, type TabSharePorts } from './tab-share';
import { thisTabId } from './tab-id';

/**
 * Shares the live connection with the browser's other tabs, or returns undefined where Web Locks
 * are missing (they need a secure context: https, or localhost): every tab then connects itself.
 */
export function shareWithOtherTabs(host: TabShareHost): TabShare | undefined {
  if (typeof BroadcastChannel !== 'function' || typeof navigator === 'undefined' || navigator.locks === undefined) return undefined;
  return new TabShare(host, browserPorts());
}

function browserPorts(): TabSharePorts {
  return {
    tabId: thisTabId(),
    locks: navigator.locks,
    openChannel<T>(name: string, onMessage?: (message: T) => void): ChannelPort<T> {
      const channel = new BroadcastChannel(name);
      if (onMessage) channel.onmessage = (message: MessageEvent<T>) => onMessage(message.data);
      return { post: (message) => channel.postMessage(message), close: () => channel.close() };
    },
    after(ms, callback) {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
    onVisible(listener) {
      const onChange = () => {
        if (document.visibilityState === 'visible') listener();
      };
      document.addEventListener('visibilitychange', onChange);
      return () => document.removeEventListener('visibilitychange', onChange);
    },
  };
}
