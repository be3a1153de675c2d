// Where server.mjs (plain JS, outside Next's bundles) finds the app's fast path for
// GET /api/events: start-server.ts puts it on globalThis under this key once the app has started.
export const SERVE_EVENTS_KEY = Symbol.for('pipes-console.serve-events');
