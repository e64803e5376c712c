import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import {
  clearedSessionCookie,
  createSession,
  createSignInLimits,
  deleteSession,
  DEVICE_COOKIE,
  DEVICE_TTL_SECONDS,
  resolveSession,
  sessionCookie,
  sessionTokenFromCookieHeader,
  type TSessionUser,
} from '@showcart/domain';
import { AppError, ZLoginBody } from '@showcart/shared';
import { parse as parseCookies, serialize } from 'cookie';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { TApiDeps } from './deps.ts';
import { parseWith } from './http.ts';

export const currentUser = (res: Response): TSessionUser => {
  const user = res.locals.user as TSessionUser | undefined;
  if (!user) throw new AppError('UNAUTHENTICATED');
  return user;
};

export const requireUser =
  ({ db }: Pick<TApiDeps, 'db'>) =>
  async (req: Request, res: Response, next: NextFunction) => {
    res.locals.user = await resolveSession(db, sessionTokenFromCookieHeader(req.headers.cookie));
    next();
  };

export const authRoutes = ({ db, redis, config }: TApiDeps) => {
  const router = Router();
  const secure = config.publicUrl.startsWith('https:');
  const limits = createSignInLimits(redis, config.queuePrefix);
  // Verified against when the email is unknown, so that a wrong email takes as long as a
  // wrong password and does not reveal which accounts exist.
  const decoyHash = hash(randomBytes(16));

  router.post('/login', async (req, res) => {
    const body = parseWith(ZLoginBody, req.body);
    // req.ip is the peer, or what a proxy named in TRUST_PROXY says the client is.
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const deviceToken = req.headers.cookie ? parseCookies(req.headers.cookie)[DEVICE_COOKIE] : undefined;
    const attempt = await limits.attempt({ email: body.email, address, deviceToken });
    const { rows } = await db.query<{ id: string; passwordHash: string }>(
      'select id, password_hash as "passwordHash" from users where lower(email) = lower($1)',
      [body.email],
    );
    const found = rows[0];
    const ok = await verify(found?.passwordHash ?? (await decoyHash), body.password).catch(() => false);
    if (!found || !ok) throw new AppError('BAD_CREDENTIALS');
    const device = await limits.succeeded({ ...attempt, address, deviceToken });
    const session = await createSession(db, found.id, config.sessionTtlMs);
    res.setHeader('Set-Cookie', [
      sessionCookie(session.token, session.expiresAt, secure),
      serialize(DEVICE_COOKIE, device, { httpOnly: true, sameSite: 'lax', secure, path: '/api/auth', maxAge: DEVICE_TTL_SECONDS }),
    ]);
    res.json(await resolveSession(db, session.token));
  });

  router.post('/logout', async (req, res) => {
    const token = sessionTokenFromCookieHeader(req.headers.cookie);
    if (token) await deleteSession(db, token);
    res.setHeader('Set-Cookie', clearedSessionCookie(secure));
    res.status(204).end();
  });

  return router;
};
