import { componentHealth } from '@showcart/common';
import {
  clearedSessionCookie,
  createAccounts,
  createSignIn,
  deleteSession,
  findSessionUser,
  DEVICE_COOKIE,
  DEVICE_TTL_SECONDS,
  getProfile,
  sessionCookie,
  sessionTokenFromCookieHeader,
  updateProfile,
} from '@showcart/domain';
import { parse as parseCookies, serialize } from 'cookie';
import type { THandlers } from './contract.ts';
import type { TApiDeps } from './deps.ts';

/** Signing in and out, who the session is, and whether the platform is up. */
type TAuthEndpoints =
  | 'auth.login' | 'auth.logout' | 'me.get' | 'health.get' | 'auth.signup' | 'auth.verify' | 'auth.resendVerification'
  | 'auth.resetRequest' | 'auth.reset' | 'auth.password' | 'auth.email' | 'auth.logoutEverywhere' | 'profiles.get' | 'me.profile';

export const authHandlers = (deps: TApiDeps): Pick<THandlers, TAuthEndpoints> => {
  const secure = deps.config.publicUrl.startsWith('https:');
  const signIn = createSignIn(deps);
  const accounts = createAccounts(deps);
  // req.ip is the peer, or what a proxy named in TRUST_PROXY says the client is.
  const addressOf = (req: { ip?: string | undefined; socket: { remoteAddress?: string | undefined } }) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return {
    'auth.signup': async ({ body, req, res }) => {
      const { user, session } = await accounts.signUp({ ...body, address: addressOf(req) });
      res.setHeader('Set-Cookie', sessionCookie(session.token, session.expiresAt, secure));
      return user;
    },
    'auth.verify': ({ body }) => accounts.verifyEmail(body.token),
    'profiles.get': async ({ params, req }) =>
      getProfile(deps, params.handle, (await findSessionUser(deps.db, sessionTokenFromCookieHeader(req.headers.cookie)))?.id),
    'me.profile': ({ user, body }) => updateProfile(deps, { user, changes: body }),
    'auth.resendVerification': ({ user, req }) => accounts.resendVerification({ user, address: addressOf(req) }),
    'auth.resetRequest': ({ body, req }) => accounts.requestPasswordReset({ email: body.email, address: addressOf(req) }),
    'auth.reset': ({ body }) => accounts.resetPassword(body),
    'auth.email': ({ user, body, req }) => accounts.changeEmail({ user, ...body, address: addressOf(req) }),
    'auth.password': async ({ user, body, res }) => {
      const ended = await accounts.changePassword({ user, ...body });
      // This session ended with the rest: the browser signs in again with the new password.
      res.setHeader('Set-Cookie', clearedSessionCookie(secure));
      return ended;
    },
    'auth.logoutEverywhere': async ({ user, res }) => {
      const ended = await accounts.signOutEverywhere({ user });
      res.setHeader('Set-Cookie', clearedSessionCookie(secure));
      return ended;
    },
    'auth.login': async ({ body, req, res }) => {
      const { user, session, deviceToken } = await signIn({
        ...body,
        address: addressOf(req),
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
