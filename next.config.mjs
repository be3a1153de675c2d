import { createRequire } from 'node:module';

// JSON, not TypeScript: a next.config.ts is compiled at every start, which slows a cold start.
/** @type {Record<string, string>} */
const staticSecurityHeaders = createRequire(import.meta.url)('./lib/server/static-security-headers.json');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The NATS client uses Node sockets; keep it out of the server bundle.
  serverExternalPackages: ['@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/kv'],
  poweredByHeader: false,
  experimental: {
    // Next would load every route's code before it listens (about 100 ms of a core with this
    // app), holding up the watched cache's load; a route is loaded on its first request instead.
    preloadEntriesOnStart: false,
  },
  // On every answer, pages and API alike (server.mjs's fast paths set them themselves);
  // the per-request CSP is set in proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: Object.entries(staticSecurityHeaders).map(([key, value]) => ({ key, value })) }];
  },
};

export default nextConfig;
