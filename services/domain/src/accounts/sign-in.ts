import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { queryRow } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { openSession, resolveSession, type TSessionUser } from './sessions.ts';
import { createSignInLimits } from './sign-in-limits.ts';

/**
 * Signing in with email and password, limited against guessing (sign-in-limits.ts).
 * `signIn` answers BAD_CREDENTIALS alike for an unknown email and a wrong password, in
 * the same time (a decoy hash is verified when the email is unknown).
 */
export const createSignIn = (deps: Pick<TDomainDeps, 'db' | 'redis' | 'config'>) => {
  const limits = createSignInLimits(deps.redis, deps.config.queuePrefix);
  const decoyHash = hash(randomBytes(16));
  return async (p: { email: string; password: string; address: string; deviceToken: string | undefined }): Promise<{
    user: TSessionUser; session: { token: string; expiresAt: Date }; deviceToken: string;
  }> => {
    const attempt = await limits.attempt(p);
    const found = await queryRow(deps.db, z.object({ id: z.string(), passwordHash: z.string() }),
      'select id, password_hash as "passwordHash" from users where lower(email) = lower($1)', [p.email]);
    const ok = await verify(found?.passwordHash ?? (await decoyHash), p.password).catch(() => false);
    if (!found || !ok) throw new AppError('BAD_CREDENTIALS');
    const deviceToken = await limits.succeeded({ ...attempt, address: p.address, deviceToken: p.deviceToken });
    const session = await openSession(deps, found.id, deps.config.sessionTtlMs);
    return { user: await resolveSession(deps.db, session.token), session, deviceToken };
  };
};
