'use client';

import { useState } from 'react';
import { useSessionUser } from '@/components/auth/session-context';
import { Button } from '@/components/ui/button';
import { ImportDialog } from './import-dialog';

const download =
  'inline-flex items-center rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';

/** Export (every role: a plain download of the bucket's valid pipes) and Import (admins). */
export function FilesActions() {
  const user = useSessionUser();
  const [importing, setImporting] = useState(false);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div role="group" aria-label="Export" className="flex items-center gap-1.5" title="Invalid entries are left out of an export">
        <span className="text-sm text-zinc-600 dark:text-zinc-400">Export</span>
        <a href="/api/export?format=pipes-json" download className={download}>
          pipes.json
        </a>
        <a href="/api/export?format=sql" download className={download}>
          .sql zip
        </a>
      </div>
      {user?.role === 'admin' && (
        <>
          <Button onClick={() => setImporting(true)}>Import…</Button>
          <ImportDialog open={importing} onClose={() => setImporting(false)} />
        </>
      )}
    </div>
  );
}
