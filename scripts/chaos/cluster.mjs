// A NATS cluster on loopback for the chaos campaign: `size` real nats-server processes with
// JetStream, each with its own store, routed to each other. A node can be killed (SIGKILL) and
// started again in its place (same ports, same store), or frozen (SIGSTOP) and thawed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { probePort } from '../lib/ports.mjs';
import { startNatsServer } from '../lib/nats-server.mjs';

const HOST = '127.0.0.1';
const CLUSTER_NAME = 'chaos';

/**
 * @param {{ dir: string, size?: number }} options
 * @returns {Promise<import('./cluster.d.mts').Cluster>}
 */
export async function startCluster({ dir, size = 3 }) {
  const ports = [];
  /** @type {Set<number>} */
  const drawn = new Set();
  for (let i = 0; i < size; i++) ports.push({ client: await quietPort(drawn), route: await quietPort(drawn) });
  const routes = ports.map((p) => `nats://${HOST}:${p.route}`).join(',');
  const nodes = ports.map((p, i) => node(`n${i + 1}`, p.client, p.route, routes, join(dir, `n${i + 1}`)));
  await Promise.all(nodes.map((n) => n.start()));
  return {
    nodes,
    servers: nodes.map((n) => n.url).join(','),
    byName: (name) => nodes.find((n) => n.name === name),
    async stop() {
      await Promise.all(nodes.map((n) => n.end()));
    },
  };
}

/**
 * A free port below Linux's ephemeral range (32768 on), which outgoing connections take theirs
 * from: a port picked by the kernel's port 0 can be taken by a node's own route dial before the
 * node listens on it, or while a killed node is down. `drawn`: the ports already given out.
 */
async function quietPort(/** @type {Set<number>} */ drawn) {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (drawn.has(port)) continue;
    drawn.add(port);
    try {
      return await probePort(HOST, port);
    } catch {
      // taken: draw another
    }
  }
}

/**
 * @param {string} name  @param {number} port  @param {number} routePort  @param {string} routes
 * @param {string} storeDir
 * @returns {import('./cluster.d.mts').ClusterNode}
 */
function node(name, port, routePort, routes, storeDir) {
  mkdirSync(storeDir, { recursive: true });
  /** @type {import('../lib/nats-server.d.mts').NatsServer | undefined} */
  let server;
  /** @type {import('./cluster.d.mts').ClusterNode['state']} */
  let state = 'down';
  const args = ['--name', name, '--cluster_name', CLUSTER_NAME, '--cluster', `nats://${HOST}:${routePort}`, '--routes', routes];
  const self = {
    name,
    url: `nats://${HOST}:${port}`,
    get state() {
      return state;
    },
    get pid() {
      return server?.pid;
    },
    async start() {
      server = await startNatsServer({ storeDir, port, extraArgs: args, readyTimeoutMs: 20_000 });
      state = 'up';
    },
    async kill() {
      if (!server || state === 'down') return;
      if (state === 'frozen') process.kill(server.pid, 'SIGCONT');
      process.kill(server.pid, 'SIGKILL');
      await server.exited;
      state = 'down';
    },
    freeze() {
      if (!server || state !== 'up') return;
      process.kill(server.pid, 'SIGSTOP');
      state = 'frozen';
    },
    thaw() {
      if (!server || state !== 'frozen') return;
      process.kill(server.pid, 'SIGCONT');
      state = 'up';
    },
    async end() {
      if (!server || state === 'down') return;
      self.thaw();
      await server.stop();
      state = 'down';
    },
  };
  return self;
}
