'use client';

import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { useSessionUser } from '@/components/auth/session-context';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { validateForSave } from '@/lib/pipes/validate-for-save';
import { ConflictBanner } from './conflict-banner';
import { DeletedBanner } from './deleted-banner';
import { EditorActions } from './editor-actions';
import { EditorPresence } from './editor-presence';
import { EditorFields } from './editor-fields';
import { revertBlockedWhy } from './history/history-model';
import { HistoryPanel } from './history/history-panel';
import { LintList } from './lint-list';
import { SqlPreview } from './sql-preview';
import { usePipeEditor } from './use-pipe-editor';

/** The pipe editor: `pipeKey` null creates a new pipe. */
export function PipeEditor({ pipeKey }: { pipeKey: string | null }) {
  const model = usePipeEditor(pipeKey);
  // Viewers see everything the editor shows, read-only; the API refuses their writes anyway.
  const readOnly = useSessionUser()?.role !== 'admin';
  const { state, dirty, busy } = model;
  const [showHistory, setShowHistory] = useState(false);
  // The check a save makes: its lint is what the fields mark, its pipe what Keep mine and Merge use.
  const check = useMemo(() => validateForSave(state.form, { isNew: pipeKey === null }), [pipeKey, state.form]);
  const { lint } = check;
  const issueFor = (path: string) => state.issues.find((i) => i.path === path)?.message ?? lint.find((i) => i.path === path && i.from === undefined)?.message;

  // Ctrl/Cmd+S anywhere on the page saves (CodeMirror handles it inside the SQL field).
  const { save } = model;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // CodeMirror handles it inside the SQL field and marks the event handled.
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && !e.defaultPrevented) {
        e.preventDefault();
        save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  if (state.phase === 'loading') return <EditorSkeleton />;
  if (readOnly && pipeKey === null) return <p className="text-sm">Viewers cannot create pipes; sign in with an admin token.</p>;
  if (state.phase === 'missing') {
    return (
      <div className="rounded-md border border-dashed border-zinc-300 p-6 text-sm dark:border-zinc-700">
        <p>
          There is no pipe <span className="font-mono">{pipeKey}</span>. <Link href="/pipes/new" className="text-teal-700 underline dark:text-teal-400">Create a pipe</Link> or go back to{' '}
          <Link href="/" className="text-teal-700 underline dark:text-teal-400">the list</Link>.
        </p>
      </div>
    );
  }

  const newer = state.newer;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold break-all">{pipeKey ?? 'New pipe'}</h1>
        {state.base && <Badge>revision {state.base.revision}</Badge>}
        {state.base?.invalid && <Badge tone="red" title={state.base.invalid.message}>stored value invalid</Badge>}
        {dirty && <Badge tone="amber">unsaved edits</Badge>}
        {readOnly && <Badge>read-only</Badge>}
        <div className="ml-auto flex gap-2">
          {pipeKey !== null && (
            <Button onClick={() => setShowHistory((shown) => !shown)} aria-expanded={showHistory} aria-controls={showHistory ? 'pipe-history' : undefined}>
              History
            </Button>
          )}
          {!readOnly && (
            <EditorActions
              pipeKey={pipeKey}
              canDelete={pipeKey !== null && state.base !== null && !newer}
              saveDisabled={busy || Boolean(newer?.entry) || (!dirty && !newer && state.base !== null)}
              busy={busy}
              saveReady={check.ok}
              onSave={model.save}
              onSaveWithNote={model.saveWithNote}
              onDelete={() => void model.remove()}
            />
          )}
        </div>
      </div>
      {pipeKey !== null && <EditorPresence pipeKey={pipeKey} dirty={dirty} />}

      {state.notice && (
        <p role="status" className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:bg-sky-950/50 dark:text-sky-200">
          {state.notice}
        </p>
      )}
      {newer?.entry && !readOnly && (
        <ConflictBanner
          newer={newer.entry}
          base={state.base?.value ?? null}
          canKeepMine={check.pipe !== undefined}
          busy={busy}
          onTakeTheirs={model.takeTheirs}
          onKeepMine={model.keepMine}
          onMerge={model.merge}
        />
      )}
      {newer?.entry === null && !readOnly && <DeletedBanner onRecreate={model.save} busy={busy} />}
      {showHistory && pipeKey !== null && (
        <HistoryPanel
          pipeKey={pipeKey}
          current={state.base}
          canWrite={!readOnly}
          revertBlockedWhy={revertBlockedWhy({ busy, dirty, newer: Boolean(newer) })}
          onRevert={model.revert}
          onClose={() => setShowHistory(false)}
        />
      )}
      {state.conflicts.length > 0 && (
        <div role="alert" className="rounded-md border border-amber-300 p-3 text-sm dark:border-amber-800">
          Merged with conflicts in {state.conflicts.map((c) => c.field).join(', ')}: your version was kept there, and the SQL marks both sides
          (&lt;&lt;&lt;&lt;&lt;&lt;&lt; mine … &gt;&gt;&gt;&gt;&gt;&gt;&gt; theirs). Resolve them, then save.
        </div>
      )}
      {state.base?.invalid && (
        <div className="rounded-md border border-red-300 p-3 text-sm dark:border-red-800">
          <p>
            The stored value is not a valid pipe: <strong>{state.base.invalid.message}</strong>. Saving replaces it. The stored text:
          </p>
          <pre className="mt-2 max-h-40 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-900">{state.base.raw}</pre>
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <EditorFields
          form={state.form}
          isNew={pipeKey === null}
          onChange={model.edit}
          onSave={model.save}
          lint={lint}
          errorFor={issueFor}
          readOnly={readOnly}
        />
        <aside className="space-y-6">
          <LintList issues={lint} />
          <SqlPreview form={state.form} />
        </aside>
      </div>
    </div>
  );
}

function EditorSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading pipe" className="space-y-3">
      <div className="h-7 w-64 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
      <div className="h-56 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
      <div className="h-24 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
    </div>
  );
}
