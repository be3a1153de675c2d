import type { ChildProcess, SpawnOptions } from 'node:child_process';

export function run(cmd: string, args: string[], options?: SpawnOptions): Promise<number>;
export function signalChildren(signal: NodeJS.Signals): void;
export function hasLiveChildren(): boolean;
export function stopChildren(graceMs?: number): Promise<void>;
export function stopChild(
  child: ChildProcess,
  exited: Promise<unknown>,
  options?: { signal?: NodeJS.Signals; graceMs?: number },
): Promise<void>;
