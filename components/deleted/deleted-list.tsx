'use client';

import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { fetchDeleted } from './deleted-api';
import { DeletedRow } from './deleted-row';
import type { DeletedResult } from './restore';

/** Every pipe whose latest change is a delete or purge and whose last value is still known. */
export function DeletedList() {
  const [result, setResult] = useState<DeletedResult>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    void fetchDeleted(controller.signal).then((r) => {
      if (!controller.signal.aborted) setResult(r);
    });
    return () => controller.abort();
  }, [round]);

  if (result === undefined) {
    return (
      <p role="status" className="text-sm text-zinc-500">
        Loading deleted pipes…
      </p>
    );
  }
  if (!result.ok) {
    return (
      <div role="alert" className="rounded-md border border-red-300 p-4 text-sm dark:border-red-800">
        <p className="font-medium">The deleted pipes could not be loaded.</p>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">{result.error}</p>
        <Button
          className="mt-3"
          onClick={() => {
            setResult(undefined);
            setRound(round + 1);
          }}
        >
          Try again
        </Button>
      </div>
    );
  }
  if (result.deleted.length === 0) {
    return (
      <div className="rounded-md border border-dashed border-zinc-300 px-6 py-10 text-sm dark:border-zinc-700">
        <p className="font-medium">No deleted pipes</p>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">
          A pipe deleted or purged by anyone shows up here with its last value, ready to restore.
        </p>
      </div>
    );
  }
  return (
    <>
      <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">Newest deletion first, as of when this page opened.</p>
      <ul aria-label="Deleted pipes" className="rounded-md border border-zinc-200 dark:border-zinc-800">
        {result.deleted.map((pipe) => (
          <DeletedRow key={pipe.key} pipe={pipe} />
        ))}
      </ul>
    </>
  );
}
