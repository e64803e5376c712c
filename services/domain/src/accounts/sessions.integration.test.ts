import { sessionKey, type TDb } from '@showcart/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../../infra/test/harness.ts';
import { checkSession, createSession, deleteSession, SessionEndedError, sessionIdOfToken, type TSocketSession } from './sessions.ts';

/** What realtime's command wrapper relies on: `checkSession`, called as it calls it. */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

const deps = () => ({ db: stack.db, redis: stack.redis });

/** A session's row alone (no mirror), and what a socket of it would carry. */
const unmirrored = async () => {
  const user = await stack.createUser();
  const { token, expiresAt } = await createSession(stack.db, user.id, 3_600_000);
  const session: TSocketSession = { id: sessionIdOfToken(token), expiresAtMs: expiresAt.getTime() };
  return { user, token, session, key: sessionKey(session.id) };
};

const reasonOf = (error: unknown) => (error instanceof SessionEndedError ? error.reason : Promise.reject(error));

describe('checking a session', () => {
  it('passes on its Redis mirror alone, without asking Postgres', async () => {
    const { token, session, key } = await unmirrored();
    await checkSession(deps(), session);
    expect(await stack.redis.exists(key)).toBe(1);
    let asked = 0;
    const counting = { query: (...args: Parameters<TDb['query']>) => (asked++, stack.db.query(...args)) } as unknown as TDb;
    await checkSession({ db: counting, redis: stack.redis }, session);
    expect(asked).toBe(0);
    // Nothing in Redis holds the token itself.
    const keys = await stack.redis.keys('*');
    expect(keys.some((k) => k.includes(token))).toBe(false);
    expect(await stack.redis.get(key)).not.toContain(token);
  });

  it('refuses a session gone from Postgres and writes no mirror for it', async () => {
    const { session, key } = await unmirrored();
    await stack.db.query('delete from sessions where token_hash = $1', [Buffer.from(session.id, 'base64url')]);
    expect(await checkSession(deps(), session).catch(reasonOf)).toBe('ended');
    expect(await stack.redis.exists(key)).toBe(0);
  });

  it('refuses a session past its expiry at once, whatever Redis holds', async () => {
    const { session } = await unmirrored();
    await checkSession(deps(), session);
    expect(await checkSession(deps(), { ...session, expiresAtMs: Date.now() - 1 }).catch(reasonOf)).toBe('expired');
  });

  it('does not bring back a session signed out while its mirror was being written', async () => {
    const { token, session, key } = await unmirrored();
    // Sign-out lands right after the check read the row from Postgres, before it mirrors it.
    let signedOut = false;
    const racing = {
      query: async (...args: Parameters<TDb['query']>) => {
        const result = await stack.db.query(...args);
        if (!signedOut && String(args[0]).includes('from sessions')) {
          signedOut = true;
          await deleteSession(deps(), token);
        }
        return result;
      },
    } as unknown as TDb;
    expect(await checkSession({ db: racing, redis: stack.redis }, session).catch(reasonOf)).toBe('ended');
    expect(signedOut).toBe(true);
    expect(await stack.redis.exists(key)).toBe(0);
    expect(await checkSession(deps(), session).catch(reasonOf)).toBe('ended');
  });
});
