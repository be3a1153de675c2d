import { Suspense } from 'react';
import { FilesActions } from '@/components/files/files-actions';
import { MirrorStatus } from '@/components/mirror/mirror-status';
import { ListSkeleton } from '@/components/pipes/list/list-skeleton';
import { LivePipeList } from '@/components/pipes/live-pipe-list';

export default function PipeListPage() {
  return (
    <section>
      <div className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-xl font-semibold">Pipes</h1>
        <MirrorStatus />
        <div className="sm:ml-auto">
          <FilesActions />
        </div>
      </div>
      {/* The search lives in the address (useSearchParams), read on the client only. */}
      <Suspense fallback={<ListSkeleton />}>
        <LivePipeList />
      </Suspense>
    </section>
  );
}
