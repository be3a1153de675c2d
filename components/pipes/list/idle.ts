/**
 * Runs `work` when the browser is idle, with a way to ask how much of the idle period is left;
 * returns a cancel function. Falls back to short timeouts where requestIdleCallback is missing.
 */
export function whenIdle(work: (timeLeft: () => number) => void): () => void {
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback((deadline) => work(() => deadline.timeRemaining()), { timeout: 2_000 });
    return () => window.cancelIdleCallback(id);
  }
  const timer = setTimeout(() => {
    const end = performance.now() + 8;
    work(() => end - performance.now());
  }, 50);
  return () => clearTimeout(timer);
}
