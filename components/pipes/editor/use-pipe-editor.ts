'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useReducer, useState } from 'react';
import { useLive } from '@/components/live/live-provider';
import { useToast } from '@/components/ui/toast';
import { editorReducer, initialEditorState, isDirty, type EditorState } from '@/lib/pipes/editor-session';
import { pipeFromForm, type PipeForm } from '@/lib/pipes/form';
import { lintForm } from '@/lib/pipes/lint';
import { isCreatableName } from '@/lib/pipes/names';
import { clearDraft, loadDraft, storeDraft } from './drafts';
import { deletePipe, savePipe, type Precondition, type WriteResult } from './pipe-api';

export type PipeEditorModel = {
  state: EditorState;
  dirty: boolean;
  busy: boolean;
  edit: (form: PipeForm) => void;
  save: () => void;
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
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string>();
  const createdEntry = useLive((s) => (created === undefined ? undefined : s.pipes.get(created)));

  // Feed every change of the live entry to the state machine (during render, as React
  // recommends for state derived from changing inputs).
  const [seen, setSeen] = useState<{ entry: typeof entry; synced: boolean }>({ entry: undefined, synced: false });
  if (synced && (seen.entry !== entry || !seen.synced)) {
    setSeen({ entry, synced });
    const draft = state.phase === 'loading' ? loadDraft(key) : undefined;
    dispatch({ type: 'live', entry, draft: draft && { base: draft.base, form: draft.form } });
  }

  const dirty = state.phase === 'ready' && isDirty(state);
  useEffect(() => {
    if (state.phase !== 'ready') return;
    if (dirty) storeDraft(key, state.base, state.form);
    else clearDraft(key);
  }, [dirty, key, state.base, state.form, state.phase]);

  // A new pipe opens in its own editor once its event is back, so that editor starts clean.
  useEffect(() => {
    if (created !== undefined && createdEntry) router.replace(`/pipes/${encodeURIComponent(created)}`);
  }, [created, createdEntry, router]);

  const write = useCallback(
    async (precondition: Precondition) => {
      const parsed = pipeFromForm(state.form);
      const blocking = [
        ...(parsed.ok ? [] : parsed.issues),
        ...lintForm(state.form).filter((i) => i.severity === 'error'),
        ...(key === null && !isCreatableName(state.form.name) ? [{ path: 'name', message: 'Name: letters, digits, "_" and "-", 1 to 128 characters.' }] : []),
      ];
      if (!parsed.ok || blocking.length > 0) {
        dispatch({ type: 'rejected', issues: blocking });
        toast(`Not saved: ${blocking[0]?.message ?? 'fix the marked fields'}`, 'error');
        return;
      }
      const target = key ?? parsed.pipe.name;
      setBusy(true);
      dispatch({ type: 'save-started' });
      const result = await savePipe(target, parsed.pipe, precondition);
      setBusy(false);
      if (result.kind === 'ok' && result.entry) {
        dispatch({ type: 'saved', revision: result.entry.revision });
        if (key === null) {
          clearDraft(null);
          setCreated(target);
        }
        toast(`Saved ${target} (revision ${result.entry.revision}).`, 'success');
      } else {
        report(result, dispatch, toast);
      }
    },
    [key, state.form, toast],
  );

  const save = useCallback(() => {
    if (busy || state.phase !== 'ready') return;
    const deleted = state.newer?.entry === null;
    const precondition: Precondition = state.base && !deleted ? { ifMatch: state.base.revision } : { ifNoneMatch: '*' };
    void write(precondition);
  }, [busy, state.base, state.newer, state.phase, write]);

  const keepMine = useCallback(() => {
    const newer = state.newer?.entry;
    void write(newer ? { ifMatch: newer.revision } : { ifNoneMatch: '*' });
  }, [state.newer, write]);

  const remove = useCallback(async () => {
    if (!key || !state.base) return;
    setBusy(true);
    const result = await deletePipe(key, state.base.revision);
    setBusy(false);
    if (result.kind === 'ok') {
      clearDraft(key);
      toast(`Deleted ${key}.`, 'success');
      router.push('/');
    } else {
      report(result, dispatch, toast);
    }
  }, [key, router, state.base, toast]);

  return {
    state,
    dirty,
    busy,
    edit: (form) => dispatch({ type: 'edit', form }),
    save,
    keepMine,
    takeTheirs: () => dispatch({ type: 'take-theirs' }),
    merge: () => dispatch({ type: 'merge' }),
    remove,
  };
}

function report(result: WriteResult, dispatch: (a: Parameters<typeof editorReducer>[1]) => void, toast: ReturnType<typeof useToast>) {
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
      dispatch({ type: 'save-failed' });
      toast(result.message, 'error');
      return;
    case 'ok':
      return;
  }
}
