import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SessionProvider } from '@/components/auth/session-context';
import { UserMenu } from '@/components/auth/user-menu';
import { ConnectionBadge } from '@/components/live/connection-badge';
import { LiveProvider } from '@/components/live/live-provider';
import { PresenceProvider } from '@/components/live/presence-provider';
import { ToastProvider } from '@/components/ui/toast';
import { pageSession } from '@/lib/server/auth/page-session';
import './globals.css';

export const metadata: Metadata = {
  title: 'Pipes Console',
  description: 'Live admin console for WaveHouse pipes in NATS KV',
  // public/ holds them: /favicon.ico for browsers that ask by themselves, the rest linked here.
  icons: {
    icon: [
      { url: '/icon.svg', type: 'image/svg+xml' },
      { url: '/favicon.ico', sizes: '16x16 32x32 48x48' },
    ],
    apple: '/apple-touch-icon.png',
  },
  manifest: '/manifest.webmanifest',
};

// Every page is rendered per request: it needs the session, and the CSP nonce of proxy.ts.
export const dynamic = 'force-dynamic';

const nav =
  'rounded px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await pageSession();
  const user = principal && { name: principal.name, role: principal.role };
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <SessionProvider user={user}>
          {/* Signed out (the login page) there is nothing to stream. */}
          <LiveProvider enabled={user !== null}>
            <PresenceProvider enabled={user !== null}>
              <ToastProvider>
                <header className="flex flex-wrap items-center gap-4 border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
                  <Link href="/" className="font-semibold tracking-tight">
                    Pipes Console
                  </Link>
                  {user && (
                    <nav aria-label="Main" className="flex gap-1">
                      <Link href="/" className={nav}>
                        Pipes
                      </Link>
                      <Link href="/feed" className={nav}>
                        Feed
                      </Link>
                      <Link href="/deleted" className={nav}>
                        Deleted
                      </Link>
                      {user.role === 'admin' && (
                        <Link href="/pipes/new" className={nav}>
                          New pipe
                        </Link>
                      )}
                    </nav>
                  )}
                  <div className="ml-auto flex items-center gap-4">
                    {user && <ConnectionBadge />}
                    <UserMenu />
                  </div>
                </header>
                <main className="mx-auto max-w-7xl px-6 py-6">{children}</main>
              </ToastProvider>
            </PresenceProvider>
          </LiveProvider>
        </SessionProvider>
      </body>
    </html>
  );
}
