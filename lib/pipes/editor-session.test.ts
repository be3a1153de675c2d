import { describe, expect, it } from 'vitest';
import { editorReducer, initialEditorState, isDirty, type EditorAction, type EditorState } from './editor-session';
import type { Entry } from './entry';
import { formFromPipe } from './form';
import type { Pipe } from './schema';

const pipe = (sql: string, extra: Partial<Pipe> = {}): Pipe => ({ name: 'p', sql, ...extra });
const entry = (revision: number, sql: string, extra: Partial<Pipe> = {}, actor?: string): Entry => ({
  key: 'p',
  revision,
  updated: '2026-01-01T00:00:00.000Z',
  operation: 'PUT',
  value: pipe(sql, extra),
  ...(actor ? { actor } : {}),
});
const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
const opened = (e: Entry) => run(initialEditorState('p'), { type: 'live', entry: e });
const typed = (state: EditorState, sql: string) => run(state, { type: 'edit', form: { ...state.form, sql } });

describe('editor session', () => {
  it('opens the live entry clean, or as missing when there is none', () => {
    const s = opened(entry(3, 'SELECT 1'));
    expect(s.phase).toBe('ready');
    expect(s.base?.revision).toBe(3);
    expect(isDirty(s)).toBe(false);
    expect(run(initialEditorState('p'), { type: 'live', entry: undefined }).phase).toBe('missing');
  });

  it('shows a newer version at once when there are no unsaved edits, naming who changed it', () => {
    const s = run(opened(entry(3, 'SELECT 1')), { type: 'live', entry: entry(4, 'SELECT 2', {}, 'alice') });
    expect(s.form.sql).toBe('SELECT 2');
    expect(s.base?.revision).toBe(4);
    expect(s.newer).toBeUndefined();
    expect(s.notice).toBe('Updated to revision 4 by alice.');
    const external = run(opened(entry(3, 'SELECT 1')), { type: 'live', entry: entry(4, 'SELECT 2') });
    expect(external.notice).toMatch(/by external/);
  });

  it('keeps unsaved edits and reports the newer version instead of replacing them', () => {
    const s = run(typed(opened(entry(3, 'SELECT 1')), 'SELECT mine'), { type: 'live', entry: entry(4, 'SELECT theirs') });
    expect(s.form.sql).toBe('SELECT mine');
    expect(s.base?.revision).toBe(3);
    expect(s.newer?.entry?.revision).toBe(4);
  });

  it('take theirs drops the edits and moves the base', () => {
    const s = run(typed(opened(entry(3, 'SELECT 1')), 'SELECT mine'), { type: 'live', entry: entry(4, 'SELECT theirs') }, { type: 'take-theirs' });
    expect(s.form.sql).toBe('SELECT theirs');
    expect(s.base?.revision).toBe(4);
    expect(isDirty(s)).toBe(false);
  });

  it('merge combines non-overlapping edits onto the newer revision, which the next save is CAS against', () => {
    const base = 'SELECT a\nFROM t\nWHERE x = 1';
    let s = opened(entry(3, base));
    s = typed(s, 'SELECT a, b\nFROM t\nWHERE x = 1');
    s = run(s, { type: 'live', entry: entry(4, 'SELECT a\nFROM t\nWHERE x = 2') }, { type: 'merge' });
    expect(s.form.sql).toBe('SELECT a, b\nFROM t\nWHERE x = 2');
    expect(s.conflicts).toEqual([]);
    expect(s.base?.revision).toBe(4);
    expect(isDirty(s)).toBe(true);
  });

  it('merge marks overlapping edits for the user', () => {
    let s = typed(opened(entry(3, 'SELECT 1')), 'SELECT mine');
    s = run(s, { type: 'live', entry: entry(4, 'SELECT theirs') }, { type: 'merge' });
    expect(s.conflicts.map((c) => c.field)).toEqual(['sql']);
    expect(s.form.sql).toContain('<<<<<<< mine');
    expect(s.form.sql).toContain('>>>>>>> theirs (revision 4)');
  });

  it('takes its own saved revision back from the watch as the new base, without a conflict', () => {
    let s = typed(opened(entry(3, 'SELECT 1')), 'SELECT 2');
    s = run(s, { type: 'saved', revision: 4 }, { type: 'live', entry: entry(4, 'SELECT 2', {}, 'console') });
    expect(s.newer).toBeUndefined();
    expect(s.base?.revision).toBe(4);
    expect(isDirty(s)).toBe(false);
    expect(s.notice).toBe('Saved as revision 4.');
  });

  it('shows the value of its own write when it is not what the form held (a revert), once the watch brings it back', () => {
    let s = run(opened(entry(3, 'SELECT 3')), { type: 'save-started' }, { type: 'saved', revision: 4 });
    expect(s.form.sql).toBe('SELECT 3');
    s = run(s, { type: 'live', entry: entry(4, 'SELECT 1', {}, 'console') });
    expect(s.base?.revision).toBe(4);
    expect(s.form.sql).toBe('SELECT 1');
    expect(isDirty(s)).toBe(false);
    expect(s.newer).toBeUndefined();
  });

  it('keeps what was typed while a revert was in flight, on top of the value written', () => {
    let s = run(opened(entry(3, 'SELECT 3')), { type: 'save-started' });
    s = typed(s, 'SELECT typed meanwhile');
    s = run(s, { type: 'saved', revision: 4 }, { type: 'live', entry: entry(4, 'SELECT 1', {}, 'console') });
    expect(s.base?.revision).toBe(4);
    expect(s.form.sql).toBe('SELECT typed meanwhile');
    expect(s.newer).toBeUndefined();
  });

  it('a 412 on save leads to the same banner with the current entry', () => {
    const s = run(typed(opened(entry(3, 'SELECT 1')), 'SELECT mine'), { type: 'conflict', current: entry(5, 'SELECT other') });
    expect(s.newer?.entry?.revision).toBe(5);
    expect(s.form.sql).toBe('SELECT mine');
  });

  it('says so when the pipe is deleted while open, and keeps the text', () => {
    const s = run(typed(opened(entry(3, 'SELECT 1')), 'SELECT mine'), { type: 'live', entry: undefined });
    expect(s.newer).toEqual({ entry: null });
    expect(s.form.sql).toBe('SELECT mine');
    const clean = run(opened(entry(3, 'SELECT 1')), { type: 'live', entry: undefined });
    expect(clean.newer).toEqual({ entry: null });
    expect(clean.form.sql).toBe('SELECT 1');
  });

  it('restores a draft and shows the conflict when the bucket moved on meanwhile', () => {
    const base = entry(3, 'SELECT 1');
    const draft = { base, form: { ...formFromPipe(base.value!), sql: 'SELECT draft' } };
    const s = run(initialEditorState('p'), { type: 'live', entry: entry(6, 'SELECT newer'), draft });
    expect(s.form.sql).toBe('SELECT draft');
    expect(s.base?.revision).toBe(3);
    expect(s.newer?.entry?.revision).toBe(6);
    expect(s.notice).toMatch(/restored/);
  });

  it('restores a draft quietly when the bucket is still at its base revision', () => {
    const base = entry(3, 'SELECT 1');
    const s = run(initialEditorState('p'), { type: 'live', entry: base, draft: { base, form: { ...formFromPipe(base.value!), sql: 'SELECT draft' } } });
    expect(s.newer).toBeUndefined();
    expect(isDirty(s)).toBe(true);
  });

  it('a new pipe ignores the bucket until it is saved', () => {
    const s = run(initialEditorState(null), { type: 'live', entry: undefined });
    expect(s.phase).toBe('ready');
    expect(s.base).toBeNull();
  });
});

describe('editor session while a save is in flight', () => {
  it('takes its own change as the new base when the watch brings it back before the API answers', () => {
    let s = typed(opened(entry(3, 'SELECT 1')), 'SELECT 2');
    s = run(s, { type: 'save-started' }, { type: 'live', entry: entry(4, 'SELECT 2', {}, 'console') });
    expect(s.newer).toBeUndefined();
    s = run(s, { type: 'saved', revision: 4 });
    expect(s.base?.revision).toBe(4);
    expect(s.pendingRevision).toBeUndefined();
    expect(s.notice).toBe('Saved as revision 4.');
    expect(isDirty(s)).toBe(false);
  });

  it('shows the value of a revert whose change the watch brought back before the API answered', () => {
    let s = run(opened(entry(3, 'SELECT 3')), { type: 'save-started' }, { type: 'live', entry: entry(4, 'SELECT 1', {}, 'console') });
    expect(s.form.sql).toBe('SELECT 3');
    s = run(s, { type: 'saved', revision: 4 });
    expect(s.base?.revision).toBe(4);
    expect(s.form.sql).toBe('SELECT 1');
    expect(isDirty(s)).toBe(false);
  });

  it('still shows another writer’s change that arrived during a save that then failed', () => {
    let s = typed(opened(entry(3, 'SELECT 1')), 'SELECT mine');
    s = run(s, { type: 'save-started' }, { type: 'live', entry: entry(4, 'SELECT theirs') }, { type: 'save-failed' });
    expect(s.newer?.entry?.revision).toBe(4);
    expect(s.form.sql).toBe('SELECT mine');
  });
});

describe('editor session: the write in flight', () => {
  const editing = () => typed(opened(entry(3, 'SELECT 1')), 'SELECT mine');

  it.each<[string, EditorAction, EditorState['inFlight']]>([
    ['save-started marks a save in flight', { type: 'save-started' }, 'save'],
    ['delete-started marks a delete in flight', { type: 'delete-started' }, 'delete'],
  ])('%s', (_claim, action, inFlight) => {
    expect(editing().inFlight).toBeUndefined();
    expect(run(editing(), action).inFlight).toBe(inFlight);
  });

  it.each<[string, EditorAction, EditorAction]>([
    ['a saved answer ends a save', { type: 'save-started' }, { type: 'saved', revision: 4 }],
    ['a failed save ends it', { type: 'save-started' }, { type: 'save-failed' }],
    ['a 400 ends a save', { type: 'save-started' }, { type: 'rejected', issues: [{ path: 'sql', message: 'bad' }] }],
    ['a 412 ends a save', { type: 'save-started' }, { type: 'conflict', current: entry(5, 'SELECT other') }],
    ['a failed delete ends a delete', { type: 'delete-started' }, { type: 'delete-failed' }],
    ['a 412 ends a delete', { type: 'delete-started' }, { type: 'conflict', current: entry(5, 'SELECT other') }],
    ['a 404 ends a delete', { type: 'delete-started' }, { type: 'conflict', current: null }],
  ])('%s', (_claim, started, answer) => {
    expect(run(editing(), started, answer).inFlight).toBeUndefined();
  });

  it('a failed delete leaves the edits and their base as they were', () => {
    const s = run(editing(), { type: 'delete-started' }, { type: 'delete-failed' });
    expect(s.form.sql).toBe('SELECT mine');
    expect(s.base?.revision).toBe(3);
    expect(s.newer).toBeUndefined();
  });

  it('a delete in flight still shows what the bucket does (only a save holds it back)', () => {
    const deleted = run(editing(), { type: 'delete-started' }, { type: 'live', entry: undefined });
    expect(deleted.newer).toEqual({ entry: null });
    const followed = run(opened(entry(3, 'SELECT 1')), { type: 'delete-started' }, { type: 'live', entry: entry(4, 'SELECT 2') });
    expect(followed.base?.revision).toBe(4);
    const held = run(editing(), { type: 'save-started' }, { type: 'live', entry: entry(4, 'SELECT theirs') });
    expect(held.newer).toBeUndefined();
  });
});
