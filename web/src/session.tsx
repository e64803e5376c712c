import type { TMe } from '@showcart/shared';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from './api.ts';

type TSession = { me: TMe | null | undefined; setMe: (me: TMe | null) => void; signOut: () => Promise<void> };

const SessionContext = createContext<TSession | undefined>(undefined);

/** Who is signed in: undefined while asking, null when nobody. */
export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const [me, setMe] = useState<TMe | null | undefined>(undefined);
  useEffect(() => {
    api<TMe>('GET', '/me').then(setMe, () => setMe(null));
  }, []);
  const signOut = useCallback(async () => {
    await api('POST', '/auth/logout').catch(() => {});
    setMe(null);
  }, []);
  return <SessionContext.Provider value={{ me, setMe, signOut }}>{children}</SessionContext.Provider>;
};

export const useSession = (): TSession => {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
};
