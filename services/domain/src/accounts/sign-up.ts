import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { appErrorFromDb, execute, queryRow, type TDbClient, type TMailer, withTransaction } from '@showcart/common';
import { AppError, type TSignUpBody } from '@showcart/shared';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { endUserSessions, findMe, openSession, resolveSession, type TSessionUser } from './sessions.ts';

/**
 * Accounts anyone can open: sign-up (signed in at once, the email to be proven by a mailed
 * link), verification, a password reset by mail, a password or email change, and signing out
 * everywhere. Mail is limited like sign-in: per address and per email, so a form cannot
 * be used to flood someone's inbox.
 */

const VERIFY_TTL_MS = 24 * 3_600_000;
const RESET_TTL_MS = 3_600_000;
/** Mails to one email per hour; sign-ups and mails from one address per hour. */
const MAILS_PER_EMAIL = 5;
const REQUESTS_PER_ADDRESS = 60;
const WINDOW_SECONDS = 3_600;

/** Passwords everyone tries first; a longer list belongs to a breach corpus (not this machine's). */
const COMMON = new Set(['password123', 'password1234', '1234567890', '12345678910', 'qwertyuiop', 'iloveyou123', 'letmein1234', 'showcart123', 'welcome123', 'abc1234567']);

type TDeps = Pick<TDomainDeps, 'db' | 'redis' | 'config'> & { mailer: TMailer };

const tokenHash = (token: string) => createHash('sha256').update(token).digest();
const emailKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');

/** Length is the schema's; this refuses what is easy to guess anyway. */
export const checkPassword = (password: string, email: string) => {
  const lower = password.toLowerCase();
  const local = email.split('@')[0]!.toLowerCase();
  if (COMMON.has(lower) || new Set(lower).size < 4 || (local.length >= 4 && lower.includes(local))) {
    throw new AppError('WEAK_PASSWORD', 'That password is easy to guess: use a longer phrase, not your email or a common password.');
  }
};

export const createAccounts = (deps: TDeps) => {
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: `${deps.config.queuePrefix}:rl:account:${name}`, points, duration: WINDOW_SECONDS });
  const byAddress = limiter('address', REQUESTS_PER_ADDRESS);
  const byEmail = limiter('email', MAILS_PER_EMAIL);

  /** Counts one request (and, with an email, one mail to it); RATE_LIMITED once over. */
  const limit = async (address: string, email?: string) => {
    try {
      await byAddress.consume(address);
      if (email) await byEmail.consume(emailKey(email));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
      throw new AppError('RATE_LIMITED', `Too many requests; try again in ${Math.ceil(seconds / 60)} min.`, { retryAfterSeconds: seconds });
    }
  };

  const issueToken = async (userId: string, purpose: 'verify-email' | 'reset-password', ttlMs: number) => {
    const token = randomBytes(32).toString('base64url');
    await execute(deps.db, 'insert into account_tokens (token_hash, user_id, purpose, expires_at) values ($1, $2, $3, $4)',
      [tokenHash(token), userId, purpose, new Date(Date.now() + ttlMs)]);
    return token;
  };

  const link = (page: string, token: string) => `${new URL(page, deps.config.publicUrl).href}?token=${token}`;

  const mailVerification = async (user: { id: string; email: string; displayName: string }) => {
    const url = link('/verify', await issueToken(user.id, 'verify-email', VERIFY_TTL_MS));
    await deps.mailer.send({
      to: user.email,
      subject: 'Confirm your email for Showcart',
      text: `Hi ${user.displayName},\n\nConfirm your email to start selling on Showcart:\n${url}\n\nThe link works for 24 hours. If you did not sign up, ignore this mail.\n`,
      html: `<p>Hi ${escapeHtml(user.displayName)},</p><p><a href="${url}">Confirm your email</a> to start selling on Showcart.</p><p>The link works for 24 hours. If you did not sign up, ignore this mail.</p>`,
    });
  };

  /** Takes a one-time token of the purpose: its user, or LINK_EXPIRED (unknown, spent or old: alike). */
  const spend = async (tx: TDbClient, token: string, purpose: 'verify-email' | 'reset-password') => {
    const row = await queryRow(tx, z.object({ userId: z.string() }),
      `update account_tokens set used_at = now()
        where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
        returning user_id as "userId"`,
      [tokenHash(token), purpose]);
    if (!row) throw new AppError('LINK_EXPIRED');
    return row.userId;
  };

  return {
    /** A new account, signed in at once; the verification mail is on its way. */
    signUp: async (p: TSignUpBody & { address: string }): Promise<{ user: TSessionUser; session: { token: string; expiresAt: Date } }> => {
      await limit(p.address, p.email);
      checkPassword(p.password, p.email);
      const passwordHash = await hash(p.password);
      const created = await queryRow(deps.db, z.object({ id: z.string() }),
        'insert into users (email, password_hash, display_name) values ($1, $2, $3) returning id',
        [p.email.trim(), passwordHash, p.displayName])
        .catch((error: unknown) => {
          if (appErrorFromDb(error)?.code === 'CONFLICT') throw new AppError('EMAIL_TAKEN');
          throw error;
        });
      const userId = created!.id;
      await mailVerification({ id: userId, email: p.email.trim(), displayName: p.displayName });
      const session = await openSession(deps, userId, deps.config.sessionTtlMs);
      return { user: await resolveSession(deps.db, session.token), session };
    },

    /** The link in the mail: the email is proven (once). */
    verifyEmail: async (token: string) => {
      await withTransaction(deps.db, async (tx) => {
        const userId = await spend(tx, token, 'verify-email');
        await execute(tx, 'update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1', [userId]);
      });
      return { verified: true as const };
    },

    /** Another verification mail for a signed-in account that has not proven its email. */
    resendVerification: async (p: { user: TSessionUser; address: string }) => {
      if (p.user.emailVerified) throw new AppError('CONFLICT', 'Your email is confirmed already.');
      await limit(p.address, p.user.email);
      await mailVerification(p.user);
      return { sent: true as const };
    },

    /**
     * A reset link to the email if it has an account. The answer is the same either way, so
     * the form tells no one which emails have accounts.
     */
    requestPasswordReset: async (p: { email: string; address: string }) => {
      await limit(p.address, p.email);
      const user = await queryRow(deps.db, z.object({ id: z.string(), email: z.string(), displayName: z.string() }),
        'select id, email, display_name as "displayName" from users where lower(email) = lower($1)', [p.email.trim()]);
      if (user) {
        const url = link('/reset', await issueToken(user.id, 'reset-password', RESET_TTL_MS));
        await deps.mailer.send({
          to: user.email,
          subject: 'Reset your Showcart password',
          text: `Hi ${user.displayName},\n\nChoose a new password here:\n${url}\n\nThe link works for an hour, once. If you did not ask, ignore this mail: your password stays as it is.\n`,
          html: `<p>Hi ${escapeHtml(user.displayName)},</p><p><a href="${url}">Choose a new password</a>.</p><p>The link works for an hour, once. If you did not ask, ignore this mail: your password stays as it is.</p>`,
        });
      }
      return { sent: true as const };
    },

    /** The reset link: a new password, every session of the account ended, every other reset link spent. */
    resetPassword: async (p: { token: string; password: string }) => {
      const userId = await withTransaction(deps.db, async (tx) => {
        const id = await spend(tx, p.token, 'reset-password');
        const user = await queryRow(tx, z.object({ email: z.string() }), 'select email from users where id = $1', [id]);
        checkPassword(p.password, user!.email);
        // A person who could open the mail owns the address.
        await execute(tx, 'update users set password_hash = $2, email_verified_at = coalesce(email_verified_at, now()) where id = $1', [id, await hash(p.password)]);
        await execute(tx, `update account_tokens set used_at = now() where user_id = $1 and purpose = 'reset-password' and used_at is null`, [id]);
        return id;
      });
      await endUserSessions(deps, userId);
      return { reset: true as const };
    },

    /** A signed-in person changes its password: every session ends, this one too (sign in again with the new one). */
    changePassword: async (p: { user: TSessionUser; currentPassword: string; password: string }) => {
      const row = await queryRow(deps.db, z.object({ passwordHash: z.string() }), 'select password_hash as "passwordHash" from users where id = $1', [p.user.id]);
      if (!row || !(await verify(row.passwordHash, p.currentPassword).catch(() => false))) throw new AppError('BAD_CREDENTIALS', 'Your current password is not right.');
      checkPassword(p.password, p.user.email);
      await execute(deps.db, 'update users set password_hash = $2 where id = $1', [p.user.id, await hash(p.password)]);
      return { ended: await endUserSessions(deps, p.user.id) };
    },

    /**
     * A signed-in person moves its account to another email, knowing its password: the new
     * one is unproven until its link is opened (so selling waits for it), the old one is told,
     * and links mailed to the old one no longer prove anything.
     */
    changeEmail: async (p: { user: TSessionUser; currentPassword: string; email: string; address: string }): Promise<TSessionUser> => {
      const row = await queryRow(deps.db, z.object({ passwordHash: z.string() }), 'select password_hash as "passwordHash" from users where id = $1', [p.user.id]);
      if (!row || !(await verify(row.passwordHash, p.currentPassword).catch(() => false))) throw new AppError('BAD_CREDENTIALS', 'Your current password is not right.');
      const email = p.email.trim();
      if (email.toLowerCase() === p.user.email.toLowerCase()) throw new AppError('CONFLICT', 'That is your email already.');
      await limit(p.address, email);
      await withTransaction(deps.db, async (tx) => {
        await execute(tx, 'update users set email = $2, email_verified_at = null where id = $1', [p.user.id, email]).catch((error: unknown) => {
          if (appErrorFromDb(error)?.code === 'CONFLICT') throw new AppError('EMAIL_TAKEN');
          throw error;
        });
        await execute(tx, `update account_tokens set used_at = now() where user_id = $1 and used_at is null`, [p.user.id]);
      });
      await mailVerification({ id: p.user.id, email, displayName: p.user.displayName });
      await deps.mailer.send({
        to: p.user.email,
        subject: 'Your Showcart email was changed',
        text: `Hi ${p.user.displayName},\n\nYour Showcart account now uses ${email}. If you did not make this change, reply to this mail at once.\n`,
        html: `<p>Hi ${escapeHtml(p.user.displayName)},</p><p>Your Showcart account now uses ${escapeHtml(email)}. If you did not make this change, reply to this mail at once.</p>`,
      });
      return (await findMe(deps.db, p.user.id))!;
    },

    /** Every session of the account ends, on every device and open page. */
    signOutEverywhere: async (p: { user: TSessionUser }) => ({ ended: await endUserSessions(deps, p.user.id) }),
  };
};

export type TAccounts = ReturnType<typeof createAccounts>;

/** Text put into a mail's HTML. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
