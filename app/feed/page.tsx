import type { Metadata } from 'next';
import { LiveFeed } from '@/components/feed/live-feed';

export const metadata: Metadata = { title: 'Live feed · Pipes Console' };

export default function FeedPage() {
  return (
    <section>
      <h1 className="mb-4 text-xl font-semibold">Live feed</h1>
      <LiveFeed />
    </section>
  );
}
