import type { Metadata } from 'next';
import { DeletedList } from '@/components/deleted/deleted-list';

export const metadata: Metadata = { title: 'Deleted pipes · Pipes Console' };

export default function DeletedPage() {
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Deleted pipes</h1>
      <DeletedList />
    </section>
  );
}
