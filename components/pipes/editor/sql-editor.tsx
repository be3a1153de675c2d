'use client';

import { sql } from '@codemirror/lang-sql';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Annotation, Compartment, EditorState } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, keymap, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { LintIssue } from '@/lib/pipes/lint';
import { PLACEHOLDER } from '@/lib/pipes/template';

/** Marks a change that came from props (another writer, take theirs), not from typing. */
const fromProps = Annotation.define<boolean>();

// {{name}} and {{name:default}} stand out from the SQL around them.
const placeholderMarks = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    private readonly matcher = new MatchDecorator({
      regexp: new RegExp(PLACEHOLDER), // its own copy: MatchDecorator moves lastIndex
      decoration: Decoration.mark({ class: 'cm-pipe-placeholder' }),
    });
    constructor(view: EditorView) {
      this.decorations = this.matcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = this.matcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid var(--editor-border)', borderRadius: '6px', backgroundColor: 'var(--editor-bg)' },
  '&.cm-focused': { outline: '2px solid var(--editor-focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono-stack)', minHeight: '8rem' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', borderRight: '1px solid var(--editor-border)' },
  '.cm-pipe-placeholder': { backgroundColor: 'var(--editor-placeholder)', borderRadius: '3px' },
  '.cm-content': { caretColor: 'currentColor' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'currentColor' },
});

const DARK = '(prefers-color-scheme: dark)';

type Props = {
  value: string;
  onChange: (value: string) => void;
  onSave: () => void;
  issues: LintIssue[];
  readOnly?: boolean;
  describedBy?: string;
};

/** CodeMirror 6 with SQL highlighting, placeholder marks, inline lint and Mod-s to save. */
export function SqlEditor({ value, onChange, onSave, issues, readOnly = false, describedBy }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // Callbacks change every render; the editor is built once and reads them through refs.
  const latest = useRef({ onChange, onSave });
  useEffect(() => {
    latest.current = { onChange, onSave };
  });

  useEffect(() => {
    // The colours follow the system scheme, also when it changes while the page is open.
    const scheme = new Compartment();
    const media = window.matchMedia(DARK);
    const schemeTheme = () => (media.matches ? oneDark : []);
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (latest.current.onSave(), true) }]),
          basicSetup,
          sql(),
          placeholderMarks,
          theme,
          scheme.of(schemeTheme()),
          EditorView.lineWrapping,
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ 'aria-label': 'SQL', ...(describedBy ? { 'aria-describedby': describedBy } : {}) }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(fromProps))) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    const onScheme = () => editor.dispatch({ effects: scheme.reconfigure(schemeTheme()) });
    media.addEventListener('change', onScheme);
    return () => {
      media.removeEventListener('change', onScheme);
      editor.destroy();
    };
    // Built once per mount; value and issues are pushed in by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value }, annotations: fromProps.of(true) });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = issues
      .filter((i) => i.from !== undefined && i.to !== undefined && i.to <= length)
      .map((i) => ({ from: i.from!, to: i.to!, severity: i.severity, message: i.message }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [issues, value]);

  return <div ref={host} data-testid="sql-editor" />;
}
