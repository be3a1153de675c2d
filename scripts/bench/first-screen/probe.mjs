// The in-page half of first-screen: runs in the tab before any of the page's own code
// (context.addInitScript), so it is self-contained and sees every node the parser or React
// inserts. It records, on the page's own clock (performance.now(): ms since navigation start):
//   - the first pipe row visible: the first `tr[data-key]` in the DOM with a non-zero layout box
//     while the page's stylesheets are loaded (a row parsed before its CSS is not on screen yet),
//     checked on every DOM mutation (right after React's commit) and every animation frame;
//   - search mode: as soon as the search input exists, the query (one pipe's key) set the way a
//     browser's typing sets it (the native value setter, then a bubbling `input` event, which is
//     what React listens to), again every frame until the list shows that one row and no other;
//   - around them: the load event, when the EventSource was constructed, when its `snapshot`
//     event reached the app's listener and when that listener returned, long tasks and long
//     animation frames.

/**
 * @param {import('./page-probe.d.mts').ProbeOptions} options
 */
export function firstScreenProbe({ mode, searchKey, timeoutMs }) {
  const at = () => performance.now();
  /** @type {string | undefined} */
  let snapshotData;
  let finished = false;
  /** @type {() => void} */
  let finish = () => {};
  /** @type {import('./page-probe.d.mts').FirstScreenProbe} */
  const probe = {
    mode,
    firstRowAt: undefined,
    firstRowFrameAt: undefined,
    rowInDomAt: undefined,
    inputAt: undefined,
    typings: 0,
    valueResets: 0,
    valueResetAt: undefined,
    searchAt: undefined,
    searchFrameAt: undefined,
    loadAt: undefined,
    eventSourceAt: undefined,
    snapshotAt: undefined,
    snapshotHandledAt: undefined,
    longTasks: [],
    frames: [],
    timedOut: false,
    settled: new Promise((resolve) => {
      finish = () => {
        if (finished) return;
        finished = true;
        observer.disconnect();
        resolve(undefined);
      };
    }),
    snapshotSize() {
      if (snapshotData === undefined) return undefined;
      const parsed = JSON.parse(snapshotData);
      return { bytes: new TextEncoder().encode(snapshotData).length, pipes: Array.isArray(parsed.pipes) ? parsed.pipes.length : -1 };
    },
  };
  window.__firstScreen = probe;

  /** @param {string} type  @param {(entry: any) => void} record */
  const observe = (type, record) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(record)).observe({ type, buffered: true });
    } catch {
      // entry type not supported: that part of the breakdown stays empty
    }
  };
  observe('longtask', (e) => probe.longTasks.push({ start: e.startTime, duration: e.duration }));
  observe('long-animation-frame', (e) =>
    probe.frames.push({
      start: e.startTime,
      duration: e.duration,
      renderMs: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
      scripts: e.scripts
        .filter((/** @type {any} */ s) => s.duration >= 5)
        .map((/** @type {any} */ s) => ({ invoker: String(s.invoker), duration: s.duration })),
    }),
  );

  // The app's EventSource: when it was made, and how long its snapshot listener took (the
  // JSON.parse of the whole bucket and the store update; React renders after it returns).
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    /** @param {ConstructorParameters<typeof EventSource>} args */
    constructor(...args) {
      super(...args);
      probe.eventSourceAt ??= at();
    }
    /** @param {string} type  @param {any} listener  @param {any} [options] */
    addEventListener(type, listener, options) {
      if (type !== 'snapshot' || typeof listener !== 'function') return super.addEventListener(type, listener, options);
      /** @this {EventSource}  @param {MessageEvent<string>} event */
      const timed = function (event) {
        const first = probe.snapshotAt === undefined;
        if (first) probe.snapshotAt = at();
        try {
          return listener.call(this, event);
        } finally {
          if (first) {
            probe.snapshotHandledAt = at();
            snapshotData = event.data;
            maybeFinish();
          }
        }
      };
      return super.addEventListener(type, timed, options);
    }
  };

  window.addEventListener('load', () => {
    probe.loadAt = at();
    maybeFinish();
  });

  /** Calls `record` with the time once the next frame has been produced (rAF, then a task after it). */
  const afterFrame = (/** @type {(t: number) => void} */ record) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        record(at());
        maybeFinish();
      };
      channel.port2.postMessage(null);
    });
  // A stylesheet's `sheet` is null until it has loaded: until then nothing below is painted.
  const stylesLoaded = () =>
    [...document.querySelectorAll('link[rel="stylesheet"]')].every((l) => /** @type {HTMLLinkElement} */ (l).sheet !== null);
  // On screen: the stylesheets loaded, not inside a `hidden` element (where a streamed Suspense
  // boundary waits to be revealed), and a layout box. The cheap checks first: the box forces a layout.
  const visible = (/** @type {Element} */ el) => {
    if (!stylesLoaded() || el.closest('[hidden]')) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const valueSetter = /** @type {(this: HTMLInputElement, v: string) => void} */ (
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set
  );
  const type = (/** @type {HTMLInputElement} */ input) => {
    // The query typed before, and the input no longer holds it: something (React) reset it.
    if (probe.typings > 0 && input.value !== searchKey) {
      probe.valueResets++;
      probe.valueResetAt = at();
    }
    valueSetter.call(input, searchKey);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    probe.typings++;
  };
  const searchInput = () => /** @type {HTMLInputElement | null} */ (document.querySelector('input[type="search"]'));

  // The view openings also wait for the live snapshot (for the breakdown), or SNAPSHOT_GRACE_MS
  // after the rest when none comes.
  const SNAPSHOT_GRACE_MS = 5_000;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let grace;
  function maybeFinish() {
    const figure = mode === 'view' ? probe.firstRowFrameAt : probe.searchFrameAt;
    if (figure === undefined || probe.loadAt === undefined) return;
    if (mode === 'search' || probe.snapshotHandledAt !== undefined) finish();
    else grace ??= setTimeout(finish, SNAPSHOT_GRACE_MS);
  }

  /** @param {boolean} typeNow whether to (re)type the query when the answer is not there yet */
  function check(typeNow) {
    if (finished) return;
    if (probe.firstRowAt === undefined) {
      const row = document.querySelector('tr[data-key]');
      if (row) probe.rowInDomAt ??= at();
      if (row && visible(row)) {
        probe.firstRowAt = at();
        afterFrame((t) => (probe.firstRowFrameAt = t));
      }
    }
    const input = probe.inputAt === undefined || mode === 'search' ? searchInput() : null;
    if (input && probe.inputAt === undefined) {
      probe.inputAt = at();
      typeNow = true; // the first keystroke as soon as the input is there
    }
    if (mode !== 'search' || probe.searchAt !== undefined) return;
    const rows = document.querySelectorAll('tr[data-key]');
    if (rows.length === 1 && rows[0].getAttribute('data-key') === searchKey && visible(rows[0])) {
      probe.searchAt = at();
      afterFrame((t) => (probe.searchFrameAt = t));
      return;
    }
    if (input && typeNow) type(input);
  }

  const observer = new MutationObserver(() => check(false));
  observer.observe(document, { subtree: true, childList: true });
  const tick = () => {
    if (finished) return;
    check(true);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  setTimeout(() => {
    probe.timedOut = !finished;
    finish();
  }, timeoutMs);
}
