'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SaveNoteDialog } from './save-note-dialog';

type Props = {
  pipeKey: string | null;
  canDelete: boolean;
  saveDisabled: boolean;
  busy: boolean;
  /** The form passes the save check: only then is a note worth asking for. */
  saveReady: boolean;
  onSave: () => void;
  onSaveWithNote: (note: string) => void;
  onDelete: () => void;
};

/** Delete (asks first) and Save (asks for an optional change note first). */
export function EditorActions({ pipeKey, canDelete, saveDisabled, busy, saveReady, onSave, onSaveWithNote, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [noting, setNoting] = useState(false);
  return (
    <>
      {canDelete && (
        <Button variant="danger" onClick={() => setConfirming(true)} disabled={busy}>
          Delete
        </Button>
      )}
      {/* A form that cannot be saved goes straight to the save, which says what to fix. */}
      <Button variant="primary" onClick={() => (saveReady ? setNoting(true) : onSave())} disabled={saveDisabled} title="Save (Ctrl+S saves without a note)">
        {busy ? 'Saving…' : 'Save'}
      </Button>
      <SaveNoteDialog
        open={noting}
        onCancel={() => setNoting(false)}
        onSave={(note) => {
          setNoting(false);
          onSaveWithNote(note);
        }}
      />
      <ConfirmDialog
        open={confirming}
        title={`Delete ${pipeKey}?`}
        confirmLabel="Delete pipe"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          onDelete();
        }}
      >
        WaveHouse nodes stop serving it. The bucket keeps its history, so it can be restored from there.
      </ConfirmDialog>
    </>
  );
}
