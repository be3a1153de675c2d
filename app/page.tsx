import { LivePipeList } from '@/components/pipes/live-pipe-list';

export default function PipeListPage() {
  return (
    <section>
      <h1 className="mb-1 text-xl font-semibold">Pipes</h1>
      <LivePipeList />
    </section>
  );
}
