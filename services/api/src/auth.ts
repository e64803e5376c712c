import { componentHealth } from '@showcart/common';
import {
  clearedSessionCookie,
  createSignIn,
  deleteSession,
  DEVICE_COOKIE,
  DEVICE_TTL_SECONDS,
  sessionCookie,
  sessionTokenFromCookieHeader,
} from '@showcart/domain';
import { parse as parseCookies, serialize } from 'cookie';
import type { THandlers } from './contract.ts';
import type { TApiDeps } from './deps.ts';

/** Signing in and out, who the session is, and whether the platform is up. */
export const authHandlers = (deps: TApiDeps): Pick<THandlers, 'auth.login' | 'auth.logout' | 'me.get' | 'health.get'> => {
  const secure = deps.config.publicUrl.startsWith('https:');
  const signIn = createSignIn(deps);
  return {
    'auth.login': async ({ body, req, res }) => {
      const { user, session, deviceToken } = await signIn({
        ...body,
        // req.ip is the peer, or what a proxy named in TRUST_PROXY says the client is.
        address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        deviceToken: req.headers.cookie ? parseCookies(req.headers.cookie)[DEVICE_COOKIE] : undefined,
      });
      res.setHeader('Set-Cookie', [
        sessionCookie(session.token, session.expiresAt, secure),
        serialize(DEVICE_COOKIE, deviceToken, { httpOnly: true, sameSite: 'lax', secure, path: '/api/auth', maxAge: DEVICE_TTL_SECONDS }),
      ]);
      return user;
    },
    'auth.logout': async ({ req, res }) => {
      const token = sessionTokenFromCookieHeader(req.headers.cookie);
      // Ends the session on every open page too: each realtime node closes its sockets.
      if (token) await deleteSession(deps, token);
      res.setHeader('Set-Cookie', clearedSessionCookie(secure));
    },
    'me.get': async ({ user }) => user,
    'health.get': async ({ res }) => {
      const health = await componentHealth(deps);
      // 503 when a component is down, for load balancers; the body says which.
      res.status(health.ok ? 200 : 503).json(health);
    },
  };
};
