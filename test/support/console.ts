// The console under test is started by the launcher the benchmarks use too (plain JS, so that
// plain-node benchmarks can load it): server.mjs or `next start` on a free loopback port.
export { startConsole, type ConsoleServer as TestConsole } from '../../scripts/lib/console-server.mjs';
