/** @type {import('next').NextConfig} */
const nextConfig = {
  // The NATS client uses Node sockets; keep it out of the server bundle.
  serverExternalPackages: ['@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/kv'],
  poweredByHeader: false,
  // On every answer, pages and API alike; the per-request CSP is set in proxy.ts.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
