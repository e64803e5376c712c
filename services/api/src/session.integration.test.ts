import { SESSION_ENDED_CHANNEL, sessionKey } from '@showcart/common';
import { SESSION_COOKIE, sessionIdOfToken } from '@showcart/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

describe('sessions in Redis', () => {
  it('signing in mirrors the session under its hash for as long as it lasts; signing out removes it and tells realtime', async () => {
    const user = await stack.createUser();
    const token = user.cookie.slice(`${SESSION_COOKIE}=`.length);
    const sessionId = sessionIdOfToken(token);
    const key = sessionKey(sessionId);
    expect(await stack.redis.get(key)).toBe(user.id);
    const ttl = await stack.redis.pttl(key);
    expect(ttl).toBeGreaterThan(stack.config.sessionTtlMs - 60_000);
    expect(ttl).toBeLessThanOrEqual(stack.config.sessionTtlMs);
    expect((await stack.redis.keys('*')).some((k) => k.includes(token))).toBe(false);

    const subscriber = stack.redis.duplicate();
    const notices: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => notices.push(message));
    await subscriber.subscribe(SESSION_ENDED_CHANNEL);
    try {
      expect((await stack.http('POST', '/api/auth/logout', { cookie: user.cookie })).status).toBe(204);
      expect(await stack.redis.exists(key)).toBe(0);
      const notice = await until('the notice', async () => notices.map((n) => JSON.parse(n)).find((n) => n.sessionIds.includes(sessionId)));
      expect(notice).toEqual({ sessionIds: [sessionId], reason: 'signed-out' });
      expect(notices.some((n) => n.includes(token))).toBe(false);
    } finally {
      subscriber.disconnect();
    }
  });
});
