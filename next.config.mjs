/** @type {import('next').NextConfig} */
const nextConfig = {
  // The NATS client uses Node sockets; keep it out of the server bundle.
  serverExternalPackages: ['@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', '@nats-io/kv'],
  poweredByHeader: false,
};

export default nextConfig;
