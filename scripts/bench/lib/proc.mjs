import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * Resident memory of a live process from /proc (Linux): current (VmRSS) and peak (VmHWM), KiB.
 * @param {number} pid
 */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  /** @param {string} field */
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/**
 * The soft limit on open files (RLIMIT_NOFILE) of a live process, from /proc (Linux).
 * @param {number} pid
 */
export function fdLimitOf(pid) {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
  return line === 'unlimited' ? Infinity : Number(line ?? NaN);
}

/** The 1-, 5- and 15-minute load averages: other work on the machine skews every timing. */
export const loads = () => loadavg().map((v) => Math.round(v * 100) / 100);

/**
 * CPU time (user + system, ms) of a live process from /proc (Linux); ticks of 10 ms.
 * @param {number} pid
 */
export function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime; CLK_TCK 100
}

/**
 * Open file descriptors that are sockets, of a live process (Linux).
 * @param {number} pid
 */
export function socketCountOf(pid) {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}
