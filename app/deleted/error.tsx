'use client';

import { Button } from '@/components/ui/button';

export default function DeletedError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="rounded-md border border-red-300 p-4 text-sm dark:border-red-800">
      <p className="font-medium">The deleted pipes page stopped on an error.</p>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">{error.message}</p>
      <Button className="mt-3" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
