import type { Finding } from '@/lib/files/types.d.mts';

/** Why files are refused: each finding with its file, its pipe and where in the file. User text stays text. */
export function FindingsList({ error, findings }: { error: string; findings: Finding[] }) {
  return (
    <div
      role="alert"
      className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
    >
      <p className="font-medium">{error}</p>
      <ul aria-label="Findings" className="space-y-1">
        {findings.map((f, i) => (
          <li key={i} data-file={f.file} data-pipe={f.pipe}>
            <span className="font-mono">{f.file}</span>
            {f.pipe !== undefined && (
              <>
                {' · pipe '}
                <span className="font-mono">{f.pipe}</span>
              </>
            )}
            {f.path !== undefined && (
              <>
                {' · '}
                <span className="font-mono">{f.path}</span>
              </>
            )}
            {f.line !== undefined && ` (line ${f.line}${f.column !== undefined ? `, column ${f.column}` : ''})`}: {f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
