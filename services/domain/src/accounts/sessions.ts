import { createHash, randomBytes } from 'node:crypto';
import { AppError, photoUrl, SESSION_END_REASONS, ZMe, type TMe, type TSessionEndReason } from '@showcart/shared';
import { parse, serialize } from 'cookie';
import { execute, queryRow, queryRows, SESSION_ENDED_CHANNEL, sessionKey, type Redis, type TQueryable } from '@showcart/common';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';

export const SESSION_COOKIE = 'sc_session';

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * A session's id: its token's hash, the primary key of `sessions`, in base64url. It names
 * the session's Redis mirror and its sockets' room; the token itself stays in the cookie.
 */
export const sessionIdOfToken = (token: string) => hashToken(token).toString('base64url');

export type TSessionUser = TMe;

/** What a socket keeps of its session, to check it on each command and close it at its expiry. */
export type TSocketSession = { id: string; expiresAtMs: number };

/** What `deleteSession` and `endUserSessions` publish on SESSION_ENDED_CHANNEL. */
export const ZSessionsEnded = z.object({
  sessionIds: z.array(z.string()),
  reason: z.enum(Object.keys(SESSION_END_REASONS) as [TSessionEndReason, ...TSessionEndReason[]]),
});
export type TSessionsEnded = z.infer<typeof ZSessionsEnded>;

/** A command of an ended session is refused with this: the same code and words as its `session:ended`. */
export class SessionEndedError extends AppError {
  readonly reason: TSessionEndReason;

  constructor(reason: TSessionEndReason) {
    super(SESSION_END_REASONS[reason].code, SESSION_END_REASONS[reason].message);
    this.reason = reason;
  }
}

const ME_COLUMNS = `u.id, u.email, u.display_name as "displayName",
  (p.default_payment_method_id is not null) as "hasPaymentMethod", u.is_admin as "isAdmin",
  (u.email_verified_at is not null) as "emailVerified", u.handle, u.avatar_photo_id as "avatarPhotoId",
  exists (select 1 from addresses a where a.user_id = u.id and a.is_default) as "hasShippingAddress"`;

/** A user as ME_COLUMNS selects it: the avatar as its photo's id, which toMe makes a URL. */
const ZMeRow = ZMe.omit({ avatarUrl: true }).extend({ avatarPhotoId: z.string().nullable() });
const toMe = ({ avatarPhotoId, ...me }: z.infer<typeof ZMeRow>): TMe => ({ ...me, avatarUrl: avatarPhotoId && photoUrl(avatarPhotoId, 'thumb') });

/**
 * Writes a session's row; only the token's hash is stored. Returns the token for the cookie.
 * This is the row alone (fixtures write thousands this way): `openSession` mirrors it in
 * Redis too, and a session without a mirror gets one at its first check (`checkSession`).
 */
export const createSession = async (db: TQueryable, userId: string, ttlMs: number) => {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await execute(db, 'insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)', [hashToken(token), userId, expiresAt]);
  return { token, expiresAt };
};

/** Mirrors an open session in Redis until it expires (a time already past writes nothing). */
const writeMirror = async (redis: Redis, sessionId: string, userId: string, expiresAtMs: number) => {
  if (expiresAtMs > Date.now()) await redis.set(sessionKey(sessionId), userId, 'PXAT', expiresAtMs);
};

/** Signing in: the session's row, then its Redis mirror. Returns the token for the cookie. */
export const openSession = async (deps: Pick<TDomainDeps, 'db' | 'redis'>, userId: string, ttlMs: number) => {
  const session = await createSession(deps.db, userId, ttlMs);
  await writeMirror(deps.redis, sessionIdOfToken(session.token), userId, session.expiresAt.getTime());
  return session;
};

/**
 * Ends sessions: each one's Redis mirror goes (so the next command on any of their sockets is
 * refused), then every realtime node is told to close their sockets. Called after the rows
 * are deleted, so that a check falling back to Postgres in between finds nothing either.
 */
export const announceSessionsEnded = async (redis: Redis, sessionIds: string[], reason: TSessionEndReason) => {
  if (sessionIds.length === 0) return;
  await redis.del(...sessionIds.map(sessionKey));
  await redis.publish(SESSION_ENDED_CHANNEL, JSON.stringify({ sessionIds, reason } satisfies TSessionsEnded));
};

/** Signing out: the session ends here and on every socket that carries it, on every node. */
export const deleteSession = async (deps: Pick<TDomainDeps, 'db' | 'redis'>, token: string) => {
  await execute(deps.db, 'delete from sessions where token_hash = $1', [hashToken(token)]);
  // Announced even when the row was gone already: sockets may still carry it.
  await announceSessionsEnded(deps.redis, [sessionIdOfToken(token)], 'signed-out');
};

/**
 * Ends every session of a user, on every socket and node: "sign out everywhere", and a
 * password change (which signs the person in again afterwards). Returns how many ended.
 */
export const endUserSessions = async (deps: Pick<TDomainDeps, 'db' | 'redis'>, userId: string) => {
  const ended = await deleteUserSessionRows(deps.db, userId);
  await announceSessionsEnded(deps.redis, ended, 'signed-out-everywhere');
  return ended.length;
};

/**
 * Deletes every session row of a user (inside the caller's transaction, if it has one) and
 * returns their ids, which `announceSessionsEnded` takes once the deletion is committed.
 */
export const deleteUserSessionRows = async (db: TQueryable, userId: string) =>
  (await queryRows(db, z.object({ tokenHash: z.instanceof(Buffer) }),
    'delete from sessions where user_id = $1 returning token_hash as "tokenHash"', [userId])).map((r) => r.tokenHash.toString('base64url'));

const findSession = (db: TQueryable, tokenHash: Buffer) =>
  queryRow(db, ZMeRow.extend({ expired: z.boolean(), expiresAt: z.date() }),
    `select ${ME_COLUMNS}, s.expires_at < now() as expired, s.expires_at as "expiresAt"
       from sessions s join users u on u.id = s.user_id
       left join payment_profiles p on p.user_id = u.id
      where s.token_hash = $1`,
    [tokenHash],
  );

/**
 * A socket's handshake: the user behind the token, and the session the socket then carries
 * (its id and expiry) for `checkSession` and for closing the socket when it expires.
 * UNAUTHENTICATED or SESSION_EXPIRED otherwise.
 */
export const resolveSocketSession = async (
  db: TQueryable,
  token: string | undefined,
): Promise<{ user: TSessionUser; session: TSocketSession }> => {
  if (!token) throw new AppError('UNAUTHENTICATED');
  const tokenHash = hashToken(token);
  const row = await findSession(db, tokenHash);
  if (!row) throw new AppError('UNAUTHENTICATED');
  if (row.expired) throw new AppError('SESSION_EXPIRED');
  const { expired: _expired, expiresAt, ...user } = row;
  return { user: toMe(user), session: { id: tokenHash.toString('base64url'), expiresAtMs: expiresAt.getTime() } };
};

/** The user behind a session token; UNAUTHENTICATED or SESSION_EXPIRED otherwise. */
export const resolveSession = async (db: TQueryable, token: string | undefined): Promise<TSessionUser> =>
  (await resolveSocketSession(db, token)).user;

/** Who is asking, on a page anyone may open: the signed-in user, or undefined for a visitor (or an ended session). */
export const findSessionUser = async (db: TQueryable, token: string | undefined): Promise<TSessionUser | undefined> =>
  token ? resolveSession(db, token).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 401) return undefined;
    throw error;
  }) : undefined;

const openRow = (db: TQueryable, sessionId: string) =>
  queryRow(db, z.object({ userId: z.string(), expiresAt: z.date() }),
    'select user_id as "userId", expires_at as "expiresAt" from sessions where token_hash = $1 and expires_at > now()',
    [Buffer.from(sessionId, 'base64url')]);

/**
 * Is the session still open? Checked on every socket command, so it costs one Redis round
 * trip: its mirror exists. A session without one (opened before mirrors existed, or by a
 * fixture) is looked up in Postgres once and mirrored. Throws SessionEndedError: expired,
 * or ended.
 */
export const checkSession = async (deps: Pick<TDomainDeps, 'db' | 'redis'>, session: TSocketSession) => {
  if (Date.now() >= session.expiresAtMs) throw new SessionEndedError('expired');
  if ((await deps.redis.exists(sessionKey(session.id))) === 1) return;
  const row = await openRow(deps.db, session.id);
  if (!row) throw new SessionEndedError('ended');
  await writeMirror(deps.redis, session.id, row.userId, row.expiresAt.getTime());
  // Signing out deletes the row before the mirror: one written after that deletion would
  // keep an ended session open, so the row is looked for once more now that the mirror is there.
  if (!(await openRow(deps.db, session.id))) {
    await deps.redis.del(sessionKey(session.id));
    throw new SessionEndedError('ended');
  }
};

export const findMe = async (db: TQueryable, userId: string): Promise<TSessionUser | undefined> => {
  const row = await queryRow(db, ZMeRow, `select ${ME_COLUMNS} from users u left join payment_profiles p on p.user_id = u.id where u.id = $1`, [userId]);
  return row && toMe(row);
};

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
