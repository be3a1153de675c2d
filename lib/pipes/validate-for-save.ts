// Whether the editor may save a form, decided once for both the save and the editor's marks,
// so the two cannot disagree about what blocks a save.
import { pipeFromForm, type PipeForm } from './form';
import { lintForm, type LintIssue, type LintOptions } from './lint';
import { MESSAGES } from './messages';
import { CREATABLE_NAME_RULE, isCreatableName } from './names';
import type { FieldIssue, Pipe } from './schema';

export type SaveCheck =
  | { ok: true; pipe: Pipe; lint: LintIssue[] }
  | {
      ok: false;
      /** The form's pipe when it parses but something else blocks it (a merge still works on it). */
      pipe: Pipe | undefined;
      lint: LintIssue[];
      /** In the order a one-line message picks from: the first is the one it names. */
      issues: FieldIssue[];
    };

/**
 * Checks `form` for a save: the API's rules (pipeFromForm), lint errors (unresolved merge
 * markers are only caught here), and for a new pipe the stricter creatable-name rule. `lint`
 * is every finding, warnings included, for the editor to mark.
 */
export function validateForSave(form: PipeForm, { isNew, ...lintOptions }: { isNew: boolean } & LintOptions): SaveCheck {
  const parsed = pipeFromForm(form);
  const lint = lintForm(form, lintOptions);
  const all: FieldIssue[] = [
    ...(parsed.ok ? [] : parsed.issues),
    ...lint.filter((i) => i.severity === 'error').map(({ path, message }) => ({ path, message })),
    ...(isNew && !isCreatableName(form.name) ? [{ path: 'name', message: MESSAGES.nameNotCreatable(CREATABLE_NAME_RULE) }] : []),
  ];
  // The schema and lint both know some problems (a default that is not JSON): say each once.
  const issues = all.filter((issue, i) => all.findIndex((o) => o.path === issue.path && o.message === issue.message) === i);
  if (parsed.ok && issues.length === 0) return { ok: true, pipe: parsed.pipe, lint };
  return { ok: false, pipe: parsed.ok ? parsed.pipe : undefined, lint, issues };
}
