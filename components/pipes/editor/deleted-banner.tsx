import { Button } from '@/components/ui/button';

/** Another writer deleted the pipe while it was open: the text stays, and can be saved again. */
export function DeletedBanner({ onRecreate, busy }: { onRecreate: () => void; busy: boolean }) {
  return (
    <section role="alert" aria-label="Pipe deleted" className="rounded-md border border-red-300 bg-red-50 p-4 dark:border-red-800 dark:bg-red-950/40">
      <h2 className="font-medium text-red-900 dark:text-red-200">This pipe was deleted by another writer.</h2>
      <p className="mt-1 text-sm text-red-900/80 dark:text-red-200/80">Your text is kept below. Recreate it to save it again under the same name.</p>
      <Button className="mt-3" variant="primary" onClick={onRecreate} disabled={busy}>
        Recreate
      </Button>
    </section>
  );
}
