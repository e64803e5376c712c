import type { TMe } from '@showcart/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, type ReactNode } from 'react';
import { call, keyOf } from './api.ts';
import { forgetSocket } from './realtime.ts';

type TSession = { me: TMe | null | undefined; setMe: (me: TMe | null) => void; signOut: () => Promise<void> };

const SessionContext = createContext<TSession | undefined>(undefined);

const ME_KEY = keyOf('me.get');

/** Who is signed in: undefined while asking, null when nobody. */
export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const client = useQueryClient();
  // Any failure to say who this is counts as signed out: the sign-in page follows.
  const { data: me } = useQuery({ queryKey: ME_KEY, queryFn: () => call('me.get').catch(() => null) });
  // A socket connects as whoever its cookie said then: once that changes, the next page gets a new one.
  const known = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (me === undefined) return;
    const id = me?.id ?? null;
    if (known.current !== undefined && known.current !== id) forgetSocket();
    known.current = id;
  }, [me]);
  const setMe = useCallback(
    (next: TMe | null) => {
      // What one user's queries hold is not for the next one to see.
      if (client.getQueryData<TMe | null>(ME_KEY)?.id !== next?.id) {
        client.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
      }
      client.setQueryData(ME_KEY, next);
    },
    [client],
  );
  const signOut = useCallback(async () => {
    await call('auth.logout').catch(() => {});
    setMe(null);
  }, [setMe]);
  return <SessionContext.Provider value={{ me, setMe, signOut }}>{children}</SessionContext.Provider>;
};

export const useSession = (): TSession => {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
};
