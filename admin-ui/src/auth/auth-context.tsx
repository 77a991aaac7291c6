import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuthStateDto, UserDto } from '@baton/protocol';
import { api } from '../api/client';
import { can, type Action } from './permissions';

export interface AuthValue {
  state: AuthStateDto | undefined;
  /** False while the first answer is pending. */
  loaded: boolean;
  user: UserDto | null;
  can: (action: Action, appId?: string) => boolean;
  refresh: () => Promise<unknown>;
}

export const AUTH_QUERY_KEY = ['auth', 'state'] as const;
const AuthContext = createContext<AuthValue | null>(null);

const fetchAuthState = (): Promise<AuthStateDto> => api.auth.state();

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const query = useQuery({ queryKey: AUTH_QUERY_KEY, queryFn: fetchAuthState, staleTime: 60_000, retry: 1 });
  useEffect(() => {
    // Any 401 from any call: the session ended; re-read the state, which shows the login page.
    const onUnauthenticated = () => void client.invalidateQueries({ queryKey: AUTH_QUERY_KEY });
    window.addEventListener('baton:unauthenticated', onUnauthenticated);
    return () => window.removeEventListener('baton:unauthenticated', onUnauthenticated);
  }, [client]);
  const user = query.data?.user ?? null;
  const value: AuthValue = {
    state: query.data,
    loaded: query.isFetched,
    user,
    can: (action, appId) => (user ? can(user, action, appId) : false),
    refresh: () => client.invalidateQueries({ queryKey: AUTH_QUERY_KEY }),
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
