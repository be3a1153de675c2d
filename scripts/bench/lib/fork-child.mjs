// A benchmark's helper process (clients, a raw watch) forked with an IPC channel, stopped by the
// runner's cleanup, with typed waits for its messages.
import { fork } from 'node:child_process';
import { stopChild } from '../../lib/run.mjs';
import { onCleanup } from './cleanup.mjs';

/**
 * A forked helper process with typed waits for its messages.
 * @param {string} script
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
export function forkChild(script, args, env = {}) {
  const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const unregister = onCleanup(() => stopChild(child, exited));
  /** @type {Map<string, (m: any) => void>} */
  const handlers = new Map();
  /** @type {Map<string, { resolve: (m: any) => void, reject: (err: Error) => void }[]>} */
  const waiters = new Map();
  /** @type {Error | undefined} */
  let failure;
  const fail = (/** @type {Error} */ err) => {
    failure ??= err;
    for (const list of waiters.values()) for (const w of list.splice(0)) w.reject(err);
  };
  child.on('message', (/** @type {any} */ m) => {
    if (m?.type === 'fatal') return fail(new Error(`${script}: ${m.message}`));
    handlers.get(m?.type)?.(m);
    waiters.get(m?.type)?.shift()?.resolve(m);
  });
  child.once('exit', (code) => fail(new Error(`${script} exited (${code}) before it was done`)));
  return {
    /** @param {string} type  @param {(m: any) => void} handler */
    on: (type, handler) => void handlers.set(type, handler),
    /** @param {string} type  @returns {Promise<any>} */
    next: (type) =>
      failure
        ? Promise.reject(failure)
        : new Promise((resolve, reject) => waiters.set(type, [...(waiters.get(type) ?? []), { resolve, reject }])),
    /** @param {object} m */
    send: (m) => child.send(m),
    stop: async () => {
      await stopChild(child, exited);
      unregister();
    },
  };
}
