'use client';

import { useState } from 'react';
import { previewSql } from '@/lib/pipes/lint';
import type { PipeForm } from '@/lib/pipes/form';
import { extractPlaceholders } from '@/lib/pipes/template';

/** The SQL as WaveHouse would bind it, with sample values typed here (JSON or plain text). */
export function SqlPreview({ form }: { form: PipeForm }) {
  const [samples, setSamples] = useState<Record<string, string>>({});
  const names = [...new Set([...form.params.map((p) => p.name).filter(Boolean), ...extractPlaceholders(form.sql).map((p) => p.name)])];
  const preview = previewSql(form, samples);
  return (
    <section className="space-y-2">
      <h2 className="text-sm font-medium">
        Bound SQL preview
      </h2>
      {names.length > 0 && (
        <div className="grid grid-cols-[auto_1fr] items-center gap-x-2 gap-y-1">
          {names.map((name) => (
            <label key={name} className="contents text-xs">
              <span className="font-mono text-zinc-600 dark:text-zinc-400">{name}</span>
              <input
                aria-label={`Sample value for ${name}`}
                className="rounded border border-zinc-300 bg-white px-2 py-0.5 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
                placeholder="default"
                value={samples[name] ?? ''}
                onChange={(e) => setSamples({ ...samples, [name]: e.target.value })}
              />
            </label>
          ))}
        </div>
      )}
      {preview.ok ? (
        <pre data-testid="bound-sql" className="max-h-72 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-900">
          {preview.sql}
        </pre>
      ) : (
        <p className="text-xs text-amber-800 dark:text-amber-300">{preview.error}</p>
      )}
    </section>
  );
}
