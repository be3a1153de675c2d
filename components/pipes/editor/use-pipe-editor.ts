'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { useLive } from '@/components/live/live-provider';
import { useReportPresence } from '@/components/live/presence-provider';
import { useToast } from '@/components/ui/toast';
import { editorReducer, initialEditorState, isDirty, type EditorAction, type EditorState } from '@/lib/pipes/editor-session';
import type { ArchivedChange, Entry } from '@/lib/pipes/entry';
import type { PipeForm } from '@/lib/pipes/form';
import { validateForSave } from '@/lib/pipes/validate-for-save';
import { clearDraft, readDraft, writeDraft } from './drafts';
import { revertPlan } from './history/history-model';
import { deletePipe, savePipe, type Precondition, type WriteResult } from './pipe-api';

export type PipeEditorModel = {
  state: EditorState;
  dirty: boolean;
  busy: boolean;
  edit: (form: PipeForm) => void;
  /** Saves at once, without a note (Ctrl/Cmd+S, Recreate). */
  save: () => void;
  saveWithNote: (note: string) => void;
  /** Writes an earlier revision's value as a new revision, compare-and-set against the base. */
  revert: (change: ArchivedChange) => void;
  keepMine: () => void;
  takeTheirs: () => void;
  merge: () => void;
  remove: () => Promise<void>;
};

/** Wires the editor state machine to the live store, the API, drafts and navigation. */
export function usePipeEditor(key: string | null): PipeEditorModel {
  const router = useRouter();
  const toast = useToast();
  const synced = useLive((s) => s.synced);
  const entry = useLive((s) => (key === null ? undefined : s.pipes.get(key)));
  const [state, dispatch] = useReducer(editorReducer, key, initialEditorState);
  const busy = state.inFlight !== undefined;
  const [created, setCreated] = useState<string>();
  const createdEntry = useLive((s) => (created === undefined ? undefined : s.pipes.get(created)));

  // Hand each committed change of the live entry to the state machine, in an effect: render
  // must not read localStorage (the server has none) or dispatch. A layout effect, so what it
  // changes is painted in the frame the entry arrived in; the ref keeps an effect that runs
  // again (Strict Mode) from handing it one entry twice.
  const fed = useRef<{ entry: Entry | undefined } | null>(null);
  useLayoutEffect(() => {
    if (!synced || (fed.current !== null && fed.current.entry === entry)) return;
    // Only the first entry opens the editor (phase 'loading'), so only it reads the draft.
    const draft = fed.current === null ? readDraft(key) : undefined;
    fed.current = { entry };
    dispatch({ type: 'live', entry, draft: draft && { base: draft.base, form: draft.form } });
  }, [entry, key, synced]);

  const dirty = state.phase === 'ready' && isDirty(state);
  // Every other user's list and editor show this tab here, editing while it holds unsaved edits.
  useReportPresence(state.phase === 'missing' ? null : key, dirty);
  useEffect(() => {
    if (state.phase !== 'ready') return;
    if (dirty) writeDraft(key, state.base, state.form);
    else clearDraft(key);
  }, [dirty, key, state.base, state.form, state.phase]);

  // A new pipe opens in its own editor once its event is back, so that editor starts clean.
  useEffect(() => {
    if (created !== undefined && createdEntry) router.replace(`/pipes/${encodeURIComponent(created)}`);
  }, [created, createdEntry, router]);

  const write = useCallback(
    async (precondition: Precondition, note?: string) => {
      const check = validateForSave(state.form, { isNew: key === null });
      if (!check.ok) {
        dispatch({ type: 'rejected', issues: check.issues });
        toast(`Not saved: ${check.issues[0]?.message ?? 'fix the marked fields'}`, 'error');
        return;
      }
      const target = key ?? check.pipe.name;
      dispatch({ type: 'save-started' });
      const result = await savePipe(target, check.pipe, precondition, note);
      if (result.kind === 'ok' && result.entry) {
        dispatch({ type: 'saved', revision: result.entry.revision });
        if (key === null) {
          clearDraft(null);
          setCreated(target);
        }
        toast(`Saved ${target} (revision ${result.entry.revision}).`, 'success');
      } else {
        report(result, 'save-failed', dispatch, toast);
      }
    },
    [key, state.form, toast],
  );

  const saveWithNote = useCallback(
    (note: string) => {
      if (busy || state.phase !== 'ready') return;
      const deleted = state.newer?.entry === null;
      const precondition: Precondition = state.base && !deleted ? { ifMatch: state.base.revision } : { ifNoneMatch: '*' };
      void write(precondition, note);
    },
    [busy, state.base, state.newer, state.phase, write],
  );
  const save = useCallback(() => saveWithNote(''), [saveWithNote]);

  const revert = useCallback(
    async (change: ArchivedChange) => {
      const plan = revertPlan(change, state.base);
      if (busy || key === null || !plan) return;
      dispatch({ type: 'save-started' });
      const result = await savePipe(key, plan.pipe, plan.precondition, plan.note);
      if (result.kind === 'ok' && result.entry) {
        // The editor shows the value once its change is back through the watch, like any other.
        dispatch({ type: 'saved', revision: result.entry.revision });
        toast(`Reverted ${key} to revision ${plan.revision}, saved as revision ${result.entry.revision}.`, 'success');
      } else {
        report(result, 'save-failed', dispatch, toast);
      }
    },
    [busy, key, state.base, toast],
  );

  const keepMine = useCallback(() => {
    const newer = state.newer?.entry;
    void write(newer ? { ifMatch: newer.revision } : { ifNoneMatch: '*' });
  }, [state.newer, write]);

  const remove = useCallback(async () => {
    if (!key || !state.base) return;
    dispatch({ type: 'delete-started' });
    const result = await deletePipe(key, state.base.revision);
    if (result.kind === 'ok') {
      // Still in flight until the list has replaced this page, so nothing is written back.
      clearDraft(key);
      toast(`Deleted ${key}.`, 'success');
      router.push('/');
    } else {
      report(result, 'delete-failed', dispatch, toast);
    }
  }, [key, router, state.base, toast]);

  return {
    state,
    dirty,
    busy,
    edit: (form) => dispatch({ type: 'edit', form }),
    save,
    saveWithNote,
    revert: (change) => void revert(change),
    keepMine,
    takeTheirs: () => dispatch({ type: 'take-theirs' }),
    merge: () => dispatch({ type: 'merge' }),
    remove,
  };
}

function report(
  result: WriteResult,
  failed: 'save-failed' | 'delete-failed',
  dispatch: (a: EditorAction) => void,
  toast: ReturnType<typeof useToast>,
) {
  switch (result.kind) {
    case 'conflict':
      dispatch({ type: 'conflict', current: result.current });
      toast('Someone else changed this pipe first. Nothing was overwritten.', 'error');
      return;
    case 'invalid':
      dispatch({ type: 'rejected', issues: result.issues });
      toast(result.message, 'error');
      return;
    case 'not-found':
      dispatch({ type: 'conflict', current: null });
      toast(result.message, 'error');
      return;
    case 'unavailable':
    case 'failed':
      dispatch({ type: failed });
      toast(result.message, 'error');
      return;
    case 'ok':
      // Only a save answered without its entry: nothing to take as the base, so stop waiting.
      dispatch({ type: failed });
      return;
  }
}
