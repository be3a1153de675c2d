import type { Entry } from '@/lib/pipes/entry';

/** The pipe list as a plain table; user text is rendered as text, never as HTML. */
export function PipeTable({ pipes }: { pipes: Entry[] }) {
  if (pipes.length === 0) {
    return (
      <p className="rounded border border-dashed border-zinc-300 p-6 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        No pipes yet. Put one into the bucket with any NATS client, PUT it to <code>/api/pipes/&lt;name&gt;</code>, or
        drop a <code>.sql</code> file into <code>PIPES_DIR</code> and restart.
      </p>
    );
  }
  return (
    <table className="w-full text-left text-sm">
      <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
        <tr>
          <th className="py-2 pr-4 font-medium">Name</th>
          <th className="py-2 pr-4 font-medium">Description</th>
          <th className="py-2 pr-4 text-right font-medium">Revision</th>
          <th className="py-2 font-medium">Updated</th>
        </tr>
      </thead>
      <tbody>
        {pipes.map((entry) => (
          <tr key={entry.key} data-key={entry.key} className="border-b border-zinc-100 align-top dark:border-zinc-900">
            <td className="py-2 pr-4 font-mono">
              {entry.key}
              {entry.invalid && (
                <span
                  title={entry.invalid.message}
                  className="ml-2 rounded bg-red-100 px-1.5 py-0.5 font-sans text-xs text-red-800 dark:bg-red-950 dark:text-red-300"
                >
                  invalid: {entry.invalid.message}
                </span>
              )}
            </td>
            <td className="py-2 pr-4 text-zinc-600 dark:text-zinc-400">{entry.value?.description ?? ''}</td>
            <td className="py-2 pr-4 text-right tabular-nums">{entry.revision}</td>
            <td className="py-2 tabular-nums text-zinc-500">{entry.updated.replace('T', ' ').slice(0, 19)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
