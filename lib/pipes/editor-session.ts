// The pipe editor's state machine, framework-free: what the editor shows as the bucket, the
// user and the API each move. The React side only dispatches; every rule is here and tested.
import { EXTERNAL, type Entry } from './entry';
import { emptyForm, formFromPipe, formsEqual, pipeFromForm, type PipeForm } from './form';
import { mergePipes, type MergeConflict } from './merge';
import type { FieldIssue } from './schema';

export type EditorState = {
  /** loading: no snapshot yet; missing: the key has no pipe and there is no draft. */
  phase: 'loading' | 'ready' | 'missing';
  /** null for a new pipe. */
  key: string | null;
  /** The entry the edits started from; saves are compare-and-set against its revision. */
  base: Entry | null;
  form: PipeForm;
  /** Another writer changed (entry) or deleted (null) the pipe while there were unsaved edits. */
  newer: { entry: Entry | null } | undefined;
  /** A short line on what just happened ("updated to revision 7 by external"). */
  notice: string | undefined;
  /** Field issues from the API's last 400. */
  issues: FieldIssue[];
  /** Conflicts left by the last merge, for the user to resolve. */
  conflicts: MergeConflict[];
  /** The revision our last save produced, until the watch brings it back. */
  pendingRevision: number | undefined;
  /** The write waiting for its answer; the editor takes no other write meanwhile. */
  inFlight: 'save' | 'delete' | undefined;
  /** The latest live entry seen (null: the key has none). */
  live: Entry | null | undefined;
};

export type EditorDraft = { base: Entry | null; form: PipeForm };

export type EditorAction =
  | { type: 'live'; entry: Entry | undefined; draft?: EditorDraft }
  | { type: 'edit'; form: PipeForm }
  | { type: 'save-started' }
  | { type: 'saved'; revision: number }
  | { type: 'save-failed' }
  | { type: 'delete-started' }
  | { type: 'delete-failed' }
  | { type: 'rejected'; issues: FieldIssue[] }
  | { type: 'conflict'; current: Entry | null }
  | { type: 'take-theirs' }
  | { type: 'merge' };

export function initialEditorState(key: string | null): EditorState {
  return {
    // A new pipe waits for the live snapshot too: that is when its draft is read back.
    phase: 'loading',
    key,
    base: null,
    form: key === null ? emptyForm() : { ...emptyForm(), name: key },
    newer: undefined,
    notice: undefined,
    issues: [],
    conflicts: [],
    pendingRevision: undefined,
    inFlight: undefined,
    live: undefined,
  };
}

/** The form an entry opens as; an invalid stored value opens with its name only. */
export function formOf(entry: Entry | null, key: string | null): PipeForm {
  if (entry?.value) return formFromPipe(entry.value);
  return { ...emptyForm(), name: entry?.key ?? key ?? '' };
}

export function isDirty(state: EditorState): boolean {
  return !formsEqual(state.form, formOf(state.base, state.key));
}

/** Whom to name for a change: the console user who made it, else "external". */
const by = (entry: Entry) => entry.actor ?? EXTERNAL;

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'live':
      return state.phase === 'loading' ? open(state, action.entry, action.draft) : follow(state, action.entry);
    case 'edit':
      return { ...state, form: action.form, notice: undefined };
    case 'save-started':
      return { ...state, inFlight: 'save' };
    case 'delete-started':
      return { ...state, inFlight: 'delete' };
    case 'saved': {
      const saved = { ...state, inFlight: undefined, pendingRevision: action.revision, issues: [], newer: undefined, notice: undefined };
      // The watch may have brought our own change back before the API answered.
      return state.live?.revision === action.revision ? follow(saved, state.live) : saved;
    }
    case 'save-failed':
    case 'delete-failed':
      // Nothing was written: show whatever the bucket did meanwhile.
      return follow({ ...state, inFlight: undefined }, state.live ?? undefined);
    case 'rejected':
      return follow({ ...state, inFlight: undefined, issues: action.issues }, state.live ?? undefined);
    case 'conflict':
      return { ...state, inFlight: undefined, newer: { entry: action.current } };
    case 'take-theirs': {
      if (!state.newer) return state;
      const entry = state.newer.entry;
      return { ...state, base: entry, form: formOf(entry, state.key), newer: undefined, conflicts: [], issues: [], notice: undefined };
    }
    case 'merge': {
      const theirs = state.newer?.entry;
      const mine = pipeFromForm(state.form);
      if (!theirs?.value || !mine.ok) return state;
      const base = state.base?.value ?? { name: theirs.value.name, sql: '' };
      const { merged, conflicts } = mergePipes(base, mine.pipe, theirs.value, `theirs (revision ${theirs.revision})`);
      // The merge result is new unsaved text on top of theirs: the next save is CAS against theirs.
      const notice = `Merged with revision ${theirs.revision}: check the result, then save.`;
      return { ...state, base: theirs, form: formFromPipe(merged), newer: undefined, conflicts, notice };
    }
  }
}

function open(state: EditorState, entry: Entry | undefined, draft: EditorDraft | undefined): EditorState {
  state = { ...state, live: entry ?? null };
  if (draft) {
    const opened = { ...state, phase: 'ready' as const, base: draft.base, form: draft.form, notice: 'Unsaved edits restored from this browser.' };
    return follow(opened, entry);
  }
  if (!entry) return { ...state, phase: state.key === null ? 'ready' : 'missing' };
  return { ...state, phase: 'ready', base: entry, form: formOf(entry, state.key) };
}

/** The bucket moved: follow it when nothing is unsaved, else keep the edits and say so. */
function follow(before: EditorState, entry: Entry | undefined): EditorState {
  if (before.key === null) return before; // a new pipe has nothing to follow until it exists
  const current = entry ?? null;
  const state = before.live === current ? before : { ...before, live: current };
  // A save's own change may come back through the watch before its answer, which alone tells
  // it from another writer's. A delete holds nothing back: on success the editor leaves.
  if (state.inFlight === 'save') return state;
  if (current?.revision === state.base?.revision) return state;
  if (state.pendingRevision !== undefined && current?.revision === state.pendingRevision) {
    // Our own write came back through the watch: it is the new base. A form still at the old
    // base did not make that write (a revert writes another revision's value), so it shows it.
    const form = isDirty(state) ? state.form : formOf(current, state.key);
    return { ...state, phase: 'ready', base: current, form, pendingRevision: undefined, notice: `Saved as revision ${current.revision}.` };
  }
  if (current === null) {
    // Deleted by another writer: keep the text whatever its state, and offer to recreate it.
    return state.base === null && !state.newer ? state : { ...state, newer: { entry: null } };
  }
  if (!isDirty(state) && !state.newer) {
    const notice = state.base ? `Updated to revision ${current.revision} by ${by(current)}.` : undefined;
    return { ...state, phase: 'ready', base: current, form: formOf(current, state.key), notice };
  }
  return { ...state, newer: { entry: current } };
}
