/** A change whose new value is not a valid pipe: the reason, and the stored text as text. */
export function InvalidValue({ message, raw }: { message: string; raw: string | undefined }) {
  return (
    <div className="text-sm">
      <p className="text-red-700 dark:text-red-400">The new value is not a valid pipe: {message}</p>
      {raw !== undefined && (
        <pre className="mt-1 max-h-40 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-900">
          {raw}
        </pre>
      )}
    </div>
  );
}
