'use client';

import { useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useModal } from '@/components/ui/use-modal';
import { FindingsList } from './findings-list';
import { postImport, readPicked } from './import-api';
import { doneLine, type Done, type ImportOutcome } from './import-outcome';
import { ImportPlanView } from './import-plan-view';
import { importBody, importFilesOf, type PickedFile } from './import-request';

const MAX_NOTE_CHARS = 500;

const field =
  'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 focus-visible:border-teal-600 focus-visible:outline-2 focus-visible:outline-teal-600/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';

/**
 * Import: pick a pipes.json (and its roles.json) or .sql files, see the plan a dry run makes,
 * then Apply it — compare-and-set against the revisions that plan saw, so a change someone makes
 * meanwhile is a conflict, never overwritten. The list updates from the live channel, like any write.
 */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useModal(open);
  const titleId = useId();
  const input = useRef<HTMLInputElement>(null);
  // A newer plan or a close makes an older answer moot.
  const generation = useRef(0);
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [prune, setPrune] = useState(false);
  const [note, setNote] = useState('');
  const [plan, setPlan] = useState<ImportOutcome>();
  const [result, setResult] = useState<ImportOutcome>();
  const [busy, setBusy] = useState<'planning' | 'applying'>();

  const makePlan = async (files: PickedFile[], pruneNow: boolean) => {
    const run = ++generation.current;
    setResult(undefined);
    if (files.length === 0) {
      setPlan(undefined);
      setBusy(undefined);
      return;
    }
    const sorted = importFilesOf(files);
    if (!sorted.ok) {
      setPlan({ kind: 'refused', error: 'These files cannot be imported; nothing was sent.', findings: sorted.findings });
      setBusy(undefined);
      return;
    }
    setBusy('planning');
    const outcome = await postImport(importBody(sorted.files, { prune: pruneNow }));
    if (run !== generation.current) return;
    setPlan(outcome);
    setBusy(undefined);
  };

  const apply = async () => {
    const sorted = importFilesOf(picked);
    if (!sorted.ok || plan?.kind !== 'planned') return;
    const run = ++generation.current;
    setBusy('applying');
    const outcome = await postImport(importBody(sorted.files, { prune, apply: true, note, bases: plan.bases }));
    if (run !== generation.current) return;
    setResult(outcome);
    setBusy(undefined);
  };

  const close = () => {
    generation.current++;
    setPicked([]);
    setPrune(false);
    setNote('');
    setPlan(undefined);
    setResult(undefined);
    setBusy(undefined);
    if (input.current) input.current.value = '';
    onClose();
  };

  const planned = plan?.kind === 'planned' ? plan : undefined;
  const shown = result?.kind === 'applied' || result?.kind === 'conflict' ? result.plan : planned?.plan;
  const canApply =
    planned !== undefined &&
    planned.plan.actions.length > 0 &&
    planned.conflicts.length === 0 &&
    busy === undefined &&
    result === undefined;

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      className="m-auto max-h-[88vh] w-[min(60rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="flex items-center gap-3">
        <h2 id={titleId} className="text-base font-semibold">
          Import pipes
        </h2>
        <Button variant="ghost" className="ml-auto" onClick={close}>
          Close
        </Button>
      </div>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        A pipes.json (with its roles.json, if you keep one) or .sql files. Nothing is written until you apply the plan.
      </p>

      <div className="mt-4 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          Files
          <input
            ref={input}
            type="file"
            accept=".json,.sql,application/json"
            multiple
            onChange={async (e) => {
              const files = await readPicked(e.target.files ?? []);
              setPicked(files);
              await makePlan(files, prune);
            }}
            className="text-sm file:mr-2 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-2 file:py-1 file:text-sm dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
          />
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={prune}
            onChange={(e) => {
              setPrune(e.target.checked);
              void makePlan(picked, e.target.checked);
            }}
          />
          Prune: delete pipes the files do not hold
        </label>
      </div>

      <div className="mt-4 space-y-4">
        {busy === 'planning' && (
          <p role="status" className="text-sm text-zinc-500">
            Making the plan…
          </p>
        )}
        {plan?.kind === 'refused' && <FindingsList error={plan.error} findings={plan.findings} />}
        {plan?.kind === 'failed' && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            No plan: {plan.error}.
          </p>
        )}
        {shown && <ImportPlanView plan={shown} conflicts={result?.kind === 'conflict' ? [] : (planned?.conflicts ?? [])} />}
        {result && <ImportResult result={result} onPlanAgain={() => void makePlan(picked, prune)} />}
        {planned && !result && planned.plan.actions.length > 0 && (
          <div className="flex flex-wrap items-end gap-3 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <label className="flex min-w-0 flex-1 basis-64 flex-col gap-1 text-sm">
              Change note
              <input
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={MAX_NOTE_CHARS}
                placeholder="Why (kept in the archive with every write)"
                className={field}
              />
            </label>
            <Button variant="primary" disabled={!canApply} onClick={() => void apply()}>
              {busy === 'applying'
                ? 'Applying…'
                : `Apply ${planned.plan.actions.length} write${planned.plan.actions.length === 1 ? '' : 's'}`}
            </Button>
          </div>
        )}
      </div>
    </dialog>
  );
}

function writtenBefore(done: Done[]): string {
  return done.length === 0 ? 'Nothing was written.' : `Written before it: ${done.map((d) => d.name).join(', ')}.`;
}

function ImportResult({ result, onPlanAgain }: { result: ImportOutcome; onPlanAgain: () => void }) {
  if (result.kind === 'applied') {
    return (
      <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
        Applied: {doneLine(result.done)}.
      </p>
    );
  }
  if (result.kind === 'refused') return <FindingsList error={result.error} findings={result.findings} />;
  if (result.kind === 'planned') return null;
  return (
    <div
      role="alert"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
    >
      <p className="font-medium">
        {result.kind === 'conflict' ? 'Conflict' : 'Import failed'}: {result.error}
      </p>
      <p>{writtenBefore(result.done)}</p>
      <Button onClick={onPlanAgain}>Make the plan again</Button>
    </div>
  );
}
