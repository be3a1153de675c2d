// The presence benchmark's fixed settings, shared by the run and its report.
import { DEFAULT_BUCKET } from '../../../lib/defaults.mjs';

export const BUCKET = DEFAULT_BUCKET;
export const INTERVAL_MS = 1_000;
export const PRESENCE_SUBJECT = `pipes-console.${BUCKET}.presence`;
/** The console's own coalescing window (EMIT_EVERY_MS in lib/server/presence/presence.ts). */
export const COALESCE_MS = 250;
export const SSE_CLIENTS = 3;
export const IDLE_MS = 10_000;
/** After every tab's first post: moves, goodbyes and expiries under way on both boards. */
export const WARMUP_MS = 6_000;
/**
 * The pause before each probe, drawn evenly. Its range is two coalescing windows, so that the
 * probe falls at any point of the consoles' emit cycle alike (the probe before it ended just after
 * an emit).
 */
export const PROBE_GAP_MS = /** @type {[number, number]} */ ([400, 400 + 2 * COALESCE_MS]);
export const RAW_PER_PROBE = 4;
/** What a simulated tab does (tabs-process.mjs). */
export const TAB_BEHAVIOUR = {
  moveMs: /** @type {[number, number]} */ ([3_000, 8_000]),
  awayMs: /** @type {[number, number]} */ ([2_000, 5_000]),
  goodbyeChance: 0.1,
  toggleChance: 0.1,
  viewerEvery: 5,
};
