'use client';

import { useState } from 'react';
import type { PipeForm } from '@/lib/pipes/form';
import type { LintIssue } from '@/lib/pipes/lint';
import { CREATABLE_NAME_RULE } from '@/lib/pipes/names';
import { FieldError } from './field-error';
import { ParamsTable } from './params-table';
import { SqlEditor } from './sql-editor';

type Props = {
  form: PipeForm;
  isNew: boolean;
  onChange: (form: PipeForm) => void;
  onSave: () => void;
  lint: LintIssue[];
  errorFor: (path: string) => string | undefined;
  readOnly?: boolean;
};

const input =
  'w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm outline-none focus-visible:ring-2 focus-visible:ring-teal-600 read-only:bg-zinc-50 read-only:text-zinc-600 dark:border-zinc-700 dark:bg-zinc-900 dark:read-only:bg-zinc-900/40 dark:read-only:text-zinc-400';
const label = 'mb-1 block text-sm font-medium';

/** Name, SQL, description, parameters, allowed roles, and the fields the console keeps untouched. */
export function EditorFields({ form, isNew, onChange, onSave, lint, errorFor, readOnly = false }: Props) {
  const extra = Object.keys(form.extra);
  return (
    <div className="space-y-5">
      <div>
        <label htmlFor="pipe-name" className={label}>
          Name
        </label>
        <input
          id="pipe-name"
          className={`${input} font-mono`}
          value={form.name}
          readOnly={!isNew || readOnly}
          aria-describedby="pipe-name-help pipe-name-error"
          onChange={(e) => onChange({ ...form, name: e.target.value })}
        />
        <p id="pipe-name-help" className="mt-1 text-xs text-zinc-500">
          {isNew ? `Name: ${CREATABLE_NAME_RULE}. It is the key in the bucket.` : 'The key in the bucket; a save always writes the name the key has.'}
        </p>
        <FieldError id="pipe-name-error" message={errorFor('name') ?? errorFor('key')} />
      </div>
      <div>
        <span id="sql-label" className={label}>
          SQL
        </span>
        <SqlEditor value={form.sql} onChange={(sql) => onChange({ ...form, sql })} onSave={onSave} issues={lint} readOnly={readOnly} describedBy="sql-error" />
        <FieldError id="sql-error" message={errorFor('sql')} />
      </div>
      <div>
        <label htmlFor="pipe-description" className={label}>
          Description
        </label>
        <textarea
          id="pipe-description"
          rows={2}
          className={input}
          value={form.description}
          readOnly={readOnly}
          onChange={(e) => onChange({ ...form, description: e.target.value })}
        />
      </div>
      <ParamsTable form={form} onChange={onChange} errorFor={errorFor} readOnly={readOnly} />
      <RolesField roles={form.allowedRoles} readOnly={readOnly} onChange={(allowedRoles) => onChange({ ...form, allowedRoles })} />
      {extra.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Other fields, kept on save ({extra.join(', ')})</summary>
          <pre className="mt-2 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900">{JSON.stringify(form.extra, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}

/** Comma-separated roles; the text is kept as typed while the list follows it. */
function RolesField({ roles, onChange, readOnly }: { roles: string[]; onChange: (roles: string[]) => void; readOnly: boolean }) {
  const [text, setText] = useState(roles.join(', '));
  const [seen, setSeen] = useState(roles);
  if (seen !== roles) {
    setSeen(roles);
    if (parseRoles(text).join() !== roles.join()) setText(roles.join(', '));
  }
  return (
    <div>
      <label htmlFor="pipe-roles" className={label}>
        Allowed roles
      </label>
      <input
        id="pipe-roles"
        className={input}
        value={text}
        readOnly={readOnly}
        placeholder="everyone"
        aria-describedby="pipe-roles-help"
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseRoles(e.target.value));
        }}
      />
      <p id="pipe-roles-help" className="mt-1 text-xs text-zinc-500">
        Comma-separated WaveHouse roles that may run this pipe; empty lets every role run it.
      </p>
    </div>
  );
}

function parseRoles(text: string): string[] {
  return text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
}
