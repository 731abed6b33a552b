import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { call, currentToken, get, setToken, whenUnauthenticated } from '../api/client';
import type { IssuedToken, Me } from '../api/types';

export interface Session {
  user: Me | null;
  /** True while the stored token is being checked at start-up. */
  checking: boolean;
  /** Operators and admins change rules; viewers only read. */
  canWrite: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): void;
}

const AuthContext = createContext<Session | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [checking, setChecking] = useState<boolean>(currentToken() !== null);

  const logout = useCallback(() => {
    setToken(null);
    setUser(null);
  }, []);

  useEffect(() => {
    whenUnauthenticated(logout);
    if (currentToken() === null) {
      return;
    }
    get<Me>('/api/v1/auth/me')
      .then(setUser)
      .catch(() => setToken(null))
      .finally(() => setChecking(false));
  }, [logout]);

  const login = useCallback(async (username: string, password: string) => {
    const issued = await call<IssuedToken>('/api/v1/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    setToken(issued.data.token);
    setUser(await get<Me>('/api/v1/auth/me'));
  }, []);

  const session = useMemo<Session>(
    () => ({
      user,
      checking,
      canWrite: !!user && user.roles.includes('OPERATOR'),
      login,
      logout,
    }),
    [user, checking, login, logout],
  );
  return <AuthContext.Provider value={session}>{children}</AuthContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(AuthContext);
  if (!session) {
    throw new Error('useSession outside AuthProvider');
  }
  return session;
}

/** A session for component tests, without a server. */
export function StaticSession({ value, children }: { value: Session; children: ReactNode }) {
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
