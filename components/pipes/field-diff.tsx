import type { FieldChange, TextChange } from '@/lib/pipes/diff';

const KIND_LABEL: Record<FieldChange['kind'], string> = { added: 'added', removed: 'removed', changed: 'changed' };

/** Field-by-field changes; SQL and other multi-line text line by line. User text stays text. */
export function FieldDiff({ changes, empty = 'No differences.' }: { changes: FieldChange[]; empty?: string }) {
  if (changes.length === 0) return <p className="text-sm text-zinc-500">{empty}</p>;
  return (
    <dl className="space-y-2 text-sm">
      {changes.map((c) => (
        <div key={c.field}>
          <dt className="font-medium">
            <span className="font-mono">{c.field}</span> <span className="text-xs font-normal text-zinc-500">{KIND_LABEL[c.kind]}</span>
          </dt>
          <dd className="mt-1">{c.lines ? <LineDiff lines={c.lines} /> : <ValueDiff before={c.before} after={c.after} />}</dd>
        </div>
      ))}
    </dl>
  );
}

function LineDiff({ lines }: { lines: TextChange[] }) {
  return (
    <pre className="max-h-64 overflow-auto rounded border border-zinc-200 bg-zinc-50 font-mono text-xs leading-5 dark:border-zinc-800 dark:bg-zinc-900">
      {lines.map((line, i) => (
        <div
          key={i}
          className={
            line.op === 'add'
              ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950/70 dark:text-emerald-100'
              : line.op === 'del'
                ? 'bg-red-100 text-red-900 dark:bg-red-950/70 dark:text-red-100'
                : 'text-zinc-600 dark:text-zinc-400'
          }
        >
          <span aria-hidden className="inline-block w-5 select-none text-center">
            {line.op === 'add' ? '+' : line.op === 'del' ? '−' : ' '}
          </span>
          <span className="sr-only">{line.op === 'add' ? 'added: ' : line.op === 'del' ? 'removed: ' : ''}</span>
          {line.text}
        </div>
      ))}
    </pre>
  );
}

function ValueDiff({ before, after }: { before?: string; after?: string }) {
  return (
    <div className="flex flex-wrap items-baseline gap-2 font-mono text-xs">
      {before !== undefined && <del className="rounded bg-red-100 px-1 text-red-900 dark:bg-red-950 dark:text-red-200">{before}</del>}
      {before !== undefined && after !== undefined && <span aria-hidden>→</span>}
      {after !== undefined && <ins className="rounded bg-emerald-100 px-1 text-emerald-900 no-underline dark:bg-emerald-950 dark:text-emerald-200">{after}</ins>}
    </div>
  );
}
