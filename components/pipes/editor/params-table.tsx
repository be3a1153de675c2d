'use client';

import { addParam, moveParam, removeParam, updateParam, type PipeForm } from '@/lib/pipes/form';
import { PARAM_TYPES } from '@/lib/pipes/schema';
import { Button } from '@/components/ui/button';
import { FieldError } from './field-error';

type Props = { form: PipeForm; onChange: (form: PipeForm) => void; errorFor: (path: string) => string | undefined; readOnly: boolean };

const cell = 'rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';

/** Parameters: add, remove, reorder; name, type, required, default as JSON. */
export function ParamsTable({ form, onChange, errorFor, readOnly }: Props) {
  return (
    <fieldset className="space-y-2" disabled={readOnly}>
      <legend className="text-sm font-medium">Parameters</legend>
      {form.params.length === 0 ? (
        <p className="text-sm text-zinc-500">No declared parameters. Placeholders with an inline default ({'{{name:default}}'}) need none.</p>
      ) : (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-zinc-500">
            <tr>
              <th className="pb-1 font-medium">Parameter</th>
              <th className="pb-1 font-medium">Type</th>
              <th className="pb-1 font-medium">Required</th>
              <th className="pb-1 font-medium">Default (JSON)</th>
              <th className="pb-1">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {form.params.map((row, i) => {
              const label = row.name || `parameter ${i + 1}`;
              return (
                <tr key={row.id} className="align-top">
                  <td className="py-1 pr-2">
                    <input
                      aria-label={`Name of ${label}`}
                      className={`${cell} w-full font-mono`}
                      value={row.name}
                      onChange={(e) => onChange(updateParam(form, row.id, { name: e.target.value }))}
                    />
                    <FieldError message={errorFor(`parameters.${i}.name`)} />
                  </td>
                  <td className="py-1 pr-2">
                    <select
                      aria-label={`Type of ${label}`}
                      className={cell}
                      value={row.type}
                      onChange={(e) => onChange(updateParam(form, row.id, { type: e.target.value as (typeof PARAM_TYPES)[number] }))}
                    >
                      {PARAM_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t === '' ? '(any)' : t}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="py-1 pr-2 text-center">
                    <input
                      type="checkbox"
                      aria-label={`${label} is required`}
                      className="mt-2 size-4"
                      checked={row.required}
                      onChange={(e) => onChange(updateParam(form, row.id, { required: e.target.checked }))}
                    />
                  </td>
                  <td className="py-1 pr-2">
                    <input
                      aria-label={`Default of ${label}`}
                      className={`${cell} w-full font-mono`}
                      value={row.defaultText}
                      placeholder="none"
                      onChange={(e) => onChange(updateParam(form, row.id, { defaultText: e.target.value }))}
                    />
                    <FieldError message={errorFor(`parameters.${i}.default`)} />
                  </td>
                  <td className="py-1 whitespace-nowrap">
                    <Button variant="ghost" aria-label={`Move ${label} up`} disabled={i === 0} onClick={() => onChange(moveParam(form, row.id, -1))}>
                      ↑
                    </Button>
                    <Button
                      variant="ghost"
                      aria-label={`Move ${label} down`}
                      disabled={i === form.params.length - 1}
                      onClick={() => onChange(moveParam(form, row.id, 1))}
                    >
                      ↓
                    </Button>
                    <Button variant="ghost" aria-label={`Remove ${label}`} onClick={() => onChange(removeParam(form, row.id))}>
                      ✕
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Button onClick={() => onChange(addParam(form))}>Add parameter</Button>
    </fieldset>
  );
}
