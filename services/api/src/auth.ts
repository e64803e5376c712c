import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import {
  clearedSessionCookie,
  createSession,
  deleteSession,
  resolveSession,
  sessionCookie,
  sessionTokenFromCookieHeader,
  type TSessionUser,
} from '@showcart/common';
import { AppError, ZLoginBody } from '@showcart/shared';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { TApiDeps } from './deps.ts';
import { parseWith } from './http.ts';


/** Login attempts allowed per email and address in each window. */
const LOGIN_ATTEMPTS = 10;
const LOGIN_WINDOW_SECONDS = 60;

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
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'rl:login',
    points: LOGIN_ATTEMPTS,
    duration: LOGIN_WINDOW_SECONDS,
  });
  // Verified against when the email is unknown, so that a wrong email takes as long as a
  // wrong password and does not reveal which accounts exist.
  const decoyHash = hash(randomBytes(16));

  router.post('/login', async (req, res) => {
    const body = parseWith(ZLoginBody, req.body);
    try {
      await limiter.consume(`${req.ip}:${body.email.toLowerCase()}`);
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      throw new AppError('RATE_LIMITED', 'Too many sign-in attempts; try again in a minute.');
    }
    const { rows } = await db.query<{ id: string; passwordHash: string }>(
      'select id, password_hash as "passwordHash" from users where lower(email) = lower($1)',
      [body.email],
    );
    const found = rows[0];
    const ok = await verify(found?.passwordHash ?? (await decoyHash), body.password).catch(() => false);
    if (!found || !ok) throw new AppError('BAD_CREDENTIALS');
    const session = await createSession(db, found.id, config.sessionTtlMs);
    res.setHeader('Set-Cookie', sessionCookie(session.token, session.expiresAt, secure));
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
