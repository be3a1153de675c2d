'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';

/**
 * Only same-origin paths: `next` comes from the URL and must not send the user elsewhere. Checked
 * as the browser will resolve it, since `/\\host` and `/<tab>/host` also lead off-site.
 */
function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/')) return '/';
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

/**
 * Sign in with a token. The one-click link `npm start` prints carries the token in the URL
 * fragment (#token=…), which browsers never send to servers or logs; it is submitted at once.
 */
/** POST /api/session; resolves to an error message, or undefined once signed in. */
async function requestSession(token: string): Promise<string | undefined> {
  try {
    const res = await fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (res.ok) return undefined;
    const body = await res.json().catch(() => ({}));
    return body.error ?? `Sign-in failed (HTTP ${res.status}).`;
  } catch {
    return 'The console cannot be reached.';
  }
}

export function LoginForm({ next }: { next?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // A full load, not a client navigation: every part of the page starts with the new session.
  const finish = useCallback(
    (failure: string | undefined) => {
      if (failure === undefined) window.location.replace(safeNext(next));
      else {
        setError(failure);
        setBusy(false);
      }
    },
    [next],
  );

  useEffect(() => {
    const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (!fromLink) return;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    void requestSession(fromLink).then(finish);
  }, [finish]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    void requestSession(token).then(finish);
  };

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <div>
        <label htmlFor="token" className="mb-1 block text-sm font-medium">
          Token
        </label>
        <input
          id="token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby={error ? 'token-error' : 'token-help'}
          className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p id="token-help" className="mt-1 text-xs text-zinc-500">
          An admin or viewer token, or a WaveHouse JWT.
        </p>
        {error && (
          <p id="token-error" role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
      </div>
      <Button type="submit" variant="primary" disabled={busy} className="w-full justify-center">
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
