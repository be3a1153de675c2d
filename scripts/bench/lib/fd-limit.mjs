// Open-file limits for benchmarks that hold thousands of sockets. Each socket is a file
// descriptor, and RLIMIT_NOFILE is per process: a server with 10,000 SSE clients needs 10,000
// and more. Node raises its soft limit to the hard one by itself; raising the hard limit needs
// root with CAP_SYS_RESOURCE, so both ways here are best effort, and a benchmark checks what it
// got (fdLimitOf in proc.mjs) against what it needs.
import { execFileSync } from 'node:child_process';
import { messageOf } from '../../lib/cli.mjs';

/** What the benchmarks ask for: enough for 10,000 clients and their servers with room to spare. */
export const WANTED_FD_LIMIT = 65_536;

/**
 * fork() options that run the child through `sh -c 'ulimit -n …; exec node …'`: the limit is
 * raised before node starts, and the IPC channel (an inherited fd named by NODE_CHANNEL_FD)
 * survives the exec. Where ulimit may not raise it, the child keeps the limit it inherits.
 * @returns {Pick<import('node:child_process').ForkOptions, 'execPath' | 'execArgv'>}
 */
export function raisedFdLimitFork(limit = WANTED_FD_LIMIT) {
  return { execPath: '/bin/sh', execArgv: ['-c', `ulimit -n ${limit} 2>/dev/null; exec "$0" "$@"`, process.execPath] };
}

/**
 * Raises the open-file limit of a running process (prlimit(1)), for one spawned by code that
 * chooses its own command line. Returns the error when it could not.
 * @param {number} pid
 * @returns {string | undefined}
 */
export function raiseFdLimit(pid, limit = WANTED_FD_LIMIT) {
  try {
    execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${limit}:${limit}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (err) {
    const stderr = /** @type {{ stderr?: Buffer }} */ (err).stderr?.toString().trim();
    return stderr || messageOf(err);
  }
}
