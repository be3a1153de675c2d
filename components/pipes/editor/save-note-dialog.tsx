'use client';

import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useModal } from '@/components/ui/use-modal';
import { Button } from '@/components/ui/button';
import { MAX_NOTE_LENGTH } from './change-note';

type Props = { open: boolean; onSave: (note: string) => void; onCancel: () => void };

/** Asks what a save is for before it is written; the note is optional. Native <dialog>, like Delete's. */
export function SaveNoteDialog({ open, onSave, onCancel }: Props) {
  const ref = useModal(open);
  const id = useId();
  const [note, setNote] = useState('');

  const finish = (done: () => void) => {
    setNote('');
    done();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    finish(() => onSave(note));
  };
  // Ctrl/Cmd+S saves everywhere else on the page; in here it confirms with the note typed so far.
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') submit(e);
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        finish(onCancel);
      }}
      className="m-auto w-[28rem] max-w-[calc(100vw-2rem)] rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={submit} onKeyDown={onKeyDown}>
        <h2 id={`${id}-title`} className="text-base font-semibold">
          Save changes
        </h2>
        <label htmlFor={`${id}-note`} className="mt-3 block text-sm font-medium">
          Change note
        </label>
        <input
          id={`${id}-note`}
          value={note}
          maxLength={MAX_NOTE_LENGTH}
          onChange={(e) => setNote(e.target.value)}
          placeholder="optional: why this change"
          aria-describedby={`${id}-count`}
          className="mt-1 w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm outline-none focus-visible:ring-2 focus-visible:ring-teal-600 dark:border-zinc-700 dark:bg-zinc-950"
        />
        <p id={`${id}-count`} className="mt-1 text-right text-xs text-zinc-500 tabular-nums">
          {note.length}/{MAX_NOTE_LENGTH} characters
        </p>
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => finish(onCancel)}>Cancel</Button>
          <Button type="submit" variant="primary">
            Save
          </Button>
        </div>
      </form>
    </dialog>
  );
}
