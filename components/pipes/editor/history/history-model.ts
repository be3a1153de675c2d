// What the editor's History panel decides, free of React and fetch: reading a page of history,
// folding pages and live refreshes into one list, which two revisions to compare, and what a
// revert writes.
import { EXTERNAL, type ArchivedChange, type Entry } from '@/lib/pipes/entry';
import type { Pipe } from '@/lib/pipes/schema';
import type { Precondition } from '../pipe-api';

export type HistoryPage = { history: ArchivedChange[]; next: string | null };

export function historyUrl(key: string, before?: string | null): string {
  const url = `/api/pipes/${encodeURIComponent(key)}/history`;
  return before ? `${url}?before=${encodeURIComponent(before)}` : url;
}

/** A page as the API answers it; a change without an actor or source is external and still in the bucket. */
export function readHistoryPage(body: unknown): HistoryPage {
  const page = (body ?? {}) as { history?: unknown; next?: unknown };
  const history = Array.isArray(page.history) ? (page.history as Partial<ArchivedChange>[]) : [];
  return {
    history: history.map((change) => ({ ...change, actor: change.actor ?? EXTERNAL, source: change.source ?? 'bucket' }) as ArchivedChange),
    next: typeof page.next === 'string' && page.next !== '' ? page.next : null,
  };
}

/** One row per revision, newest first: a refresh overlaps what is loaded, and its copy wins. */
export function mergeHistory(loaded: readonly ArchivedChange[], page: readonly ArchivedChange[]): ArchivedChange[] {
  const byRevision = new Map(loaded.map((change) => [change.revision, change]));
  for (const change of page) byRevision.set(change.revision, change);
  return [...byRevision.values()].sort((a, b) => b.revision - a.revision);
}

/** Ticks or unticks a revision to compare: two at most, a third replaces the one ticked first. */
export function toggleCompare(picked: readonly number[], revision: number): number[] {
  if (picked.includes(revision)) return picked.filter((r) => r !== revision);
  return [...picked, revision].slice(-2);
}

/** The two ticked revisions, older first, once both are in the list. */
export function comparedPair(history: readonly ArchivedChange[], picked: readonly number[]): [ArchivedChange, ArchivedChange] | undefined {
  if (picked.length !== 2) return undefined;
  const [older, newer] = [...picked].sort((a, b) => a - b).map((r) => history.find((change) => change.revision === r));
  return older && newer ? [older, newer] : undefined;
}

/** The pipe a change holds: null for a delete, a purge or an invalid value. */
export function pipeOf(change: ArchivedChange): Pipe | null {
  return change.operation === 'PUT' ? change.value : null;
}

export type RevertPlan = { revision: number; pipe: Pipe; precondition: Precondition; note: string };

/**
 * What "Revert to revision N" writes: that revision's value as a new revision, compare-and-set
 * against the revision the editor has, so a change it has not seen yet is never overwritten.
 * None for a delete, an invalid value, the revision the editor already has, or a pipe the editor
 * does not have.
 */
export function revertPlan(change: ArchivedChange, current: Entry | null): RevertPlan | undefined {
  const pipe = pipeOf(change);
  if (!pipe || !current || change.revision === current.revision) return undefined;
  return { revision: change.revision, pipe, precondition: { ifMatch: current.revision }, note: `revert to r${change.revision}` };
}

/** Why a revert cannot start now: it replaces what the editor shows, so nothing of the user's may be at stake. */
export function revertBlockedWhy(editor: { busy: boolean; dirty: boolean; newer: boolean }): string | undefined {
  if (editor.busy) return 'A write is in flight.';
  if (editor.dirty) return 'Save your unsaved edits first, or undo them.';
  if (editor.newer) return 'A newer version exists: resolve that first.';
  return undefined;
}

/** "2026-05-03 14:07:09" in the viewer's time zone: revisions often land seconds apart. */
export function revisionTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
