import 'server-only';
import { InFlight } from './in-flight';

// Next evaluates a server module once per bundle (instrumentation, each route): the process's
// one state lives on globalThis, so the shutdown sees the writes every route started.
const holder = globalThis as typeof globalThis & { __pipesLifecycle?: { draining: boolean; writes: InFlight } };

function lifecycle() {
  return (holder.__pipesLifecycle ??= { draining: false, writes: new InFlight() });
}

/** The writes to the bucket this process is making (PUT, DELETE, and the imports' writes through them). */
export function writesInFlight(): InFlight {
  return lifecycle().writes;
}

/** The process is shutting down: readiness answers 503 from now on, so balancers send it nothing more. */
export function startDraining(): void {
  lifecycle().draining = true;
}

export function isDraining(): boolean {
  return lifecycle().draining;
}
