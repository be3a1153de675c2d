import { Suspense } from 'react';
import { ListSkeleton } from '@/components/pipes/list/list-skeleton';
import { LivePipeList } from '@/components/pipes/live-pipe-list';

export default function PipeListPage() {
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Pipes</h1>
      {/* The search lives in the address (useSearchParams), read on the client only. */}
      <Suspense fallback={<ListSkeleton />}>
        <LivePipeList />
      </Suspense>
    </section>
  );
}
