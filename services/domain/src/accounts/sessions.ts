import { createHash, randomBytes } from 'node:crypto';
import { AppError, ZMe, type TMe } from '@showcart/shared';
import { parse, serialize } from 'cookie';
import { execute, queryRow, type TQueryable } from '@showcart/common';
import { z } from 'zod';

export const SESSION_COOKIE = 'sc_session';

const hashToken = (token: string) => createHash('sha256').update(token).digest();

export type TSessionUser = TMe;

const ME_COLUMNS = `u.id, u.email, u.display_name as "displayName",
  (p.default_payment_method_id is not null) as "hasPaymentMethod", u.is_admin as "isAdmin"`;

/** Opens a session; only the token's hash is stored. Returns the token for the cookie. */
export const createSession = async (db: TQueryable, userId: string, ttlMs: number) => {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await execute(db, 'insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)', [hashToken(token), userId, expiresAt]);
  return { token, expiresAt };
};

export const deleteSession = async (db: TQueryable, token: string) => {
  await execute(db, 'delete from sessions where token_hash = $1', [hashToken(token)]);
};

/** The user behind a session token; UNAUTHENTICATED or SESSION_EXPIRED otherwise. */
export const resolveSession = async (db: TQueryable, token: string | undefined): Promise<TSessionUser> => {
  if (!token) throw new AppError('UNAUTHENTICATED');
  const row = await queryRow(db, ZMe.extend({ expired: z.boolean() }),
    `select ${ME_COLUMNS}, s.expires_at < now() as expired
       from sessions s join users u on u.id = s.user_id
       left join payment_profiles p on p.user_id = u.id
      where s.token_hash = $1`,
    [hashToken(token)],
  );
  if (!row) throw new AppError('UNAUTHENTICATED');
  if (row.expired) throw new AppError('SESSION_EXPIRED');
  const { expired: _expired, ...user } = row;
  return user;
};

export const findMe = async (db: TQueryable, userId: string): Promise<TSessionUser | undefined> =>
  queryRow(db, ZMe, `select ${ME_COLUMNS} from users u left join payment_profiles p on p.user_id = u.id where u.id = $1`, [userId]);

export const sessionTokenFromCookieHeader = (header: string | undefined): string | undefined =>
  header ? parse(header)[SESSION_COOKIE] : undefined;

export const sessionCookie = (token: string, expiresAt: Date, secure: boolean) =>
  serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: expiresAt,
  });

export const clearedSessionCookie = (secure: boolean) =>
  serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
