// Where server.mjs (plain JS, outside Next's bundles) finds the app's fast paths — answers
// written straight to the Node response, without Next's pipeline: start-server.ts puts a
// Map of path → handler on globalThis under this key once the app has started.
export const FAST_PATHS_KEY = Symbol.for('pipes-console.fast-paths');
