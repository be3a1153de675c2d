import Link from 'next/link';

/** A pipe's key as a link to its editor, as the list and the feed show it. `className` adds layout. */
export function PipeLink({ pipeKey, className = '' }: { pipeKey: string; className?: string }) {
  return (
    <Link
      href={`/pipes/${encodeURIComponent(pipeKey)}`}
      prefetch={false}
      className={`${className} rounded-sm font-mono font-medium text-teal-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:text-teal-300`}
    >
      {pipeKey}
    </Link>
  );
}
