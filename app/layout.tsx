import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ConnectionBadge } from '@/components/live/connection-badge';
import { LiveProvider } from '@/components/live/live-provider';
import './globals.css';

export const metadata: Metadata = {
  title: 'Pipes Console',
  description: 'Live admin console for WaveHouse pipes in NATS KV',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <LiveProvider>
          <header className="flex items-center justify-between border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
            <Link href="/" className="font-semibold tracking-tight">
              Pipes Console
            </Link>
            <ConnectionBadge />
          </header>
          <main className="mx-auto max-w-6xl px-6 py-6">{children}</main>
        </LiveProvider>
      </body>
    </html>
  );
}
