'use client';

import { createContext, useContext, type ReactNode } from 'react';

export type SessionUser = { name: string; role: 'admin' | 'viewer' };

const SessionContext = createContext<SessionUser | null>(null);

/** Who is signed in, as the server saw it when rendering the page. */
export function SessionProvider({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export const useSessionUser = () => useContext(SessionContext);
