import { PipeTable } from '@/components/pipes/pipe-table';
import { listPipes } from '@/lib/server/store';

export const dynamic = 'force-dynamic';

export default async function PipeListPage() {
  const { revision, pipes } = await listPipes();
  return (
    <section>
      <div className="mb-4 flex items-baseline justify-between">
        <h1 className="text-xl font-semibold">Pipes</h1>
        <p className="text-sm text-zinc-500">
          {pipes.length} pipes · revision {revision}
        </p>
      </div>
      <PipeTable pipes={pipes} />
    </section>
  );
}
