import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, TEST_PASSWORD, type TStack } from '../../../infra/test/harness.ts';

/**
 * Sign-in limits against password guessing, keyed by what a client cannot forge: the
 * account, the peer's address (X-Forwarded-For only from a proxy named in TRUST_PROXY), and
 * a device cookie that only a real sign-in hands out.
 */
let plain: TStack;
let trusting: TStack;
beforeAll(async () => {
  // As in production: no proxy is trusted. And an api that believes loopback, as `npm start`'s does.
  [plain, trusting] = await Promise.all([startStack(), startStack({ env: { TRUST_PROXY: 'loopback' } })]);
});
afterAll(async () => {
  await plain?.close();
  await trusting?.close();
});

let forged = 0;
/** A sign-in as a client would send it, from a new forged address each time unless told. */
const signIn = async (stack: TStack, p: { email: string; password: string; cookie?: string; forwardedFor?: string }) => {
  forged++;
  const res = await fetch(`${stack.apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': p.forwardedFor ?? `203.0.${Math.floor(forged / 250) % 250}.${forged % 250}`,
      ...(p.cookie ? { cookie: p.cookie } : {}),
    },
    body: JSON.stringify({ email: p.email, password: p.password }),
  });
  const body = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, code: body.error?.code, message: body.error?.message, retryAfter: res.headers.get('retry-after'), cookies: res.headers.getSetCookie() };
};

/** Clears what earlier tests left in the limits of the loopback address, which every test shares. */
const clearAddressLimits = async (stack: TStack) => {
  const keys = await stack.redis.keys(`${stack.config.queuePrefix}:rl:login:address*`);
  if (keys.length) await stack.redis.del(...keys);
};

const statuses = (replies: { status: number }[]) =>
  replies.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

describe('sign-in limits', () => {
  it('locks an account after 10 wrong passwords from rotating forged addresses, whatever the api trusts', async () => {
    for (const stack of [plain, trusting]) {
      await clearAddressLimits(stack);
      const user = await stack.createUser();
      const replies = [];
      for (let i = 0; i < 200; i++) replies.push(await signIn(stack, { email: user.email, password: `guess-${i}` }));
      expect(statuses(replies)).toEqual({ 401: 10, 429: 190 });
      expect(replies.slice(0, 10).every((r) => r.code === 'BAD_CREDENTIALS')).toBe(true);
      const locked = replies[10]!;
      expect(locked).toMatchObject({ code: 'RATE_LIMITED', retryAfter: '60' });
      expect(locked.message).toMatch(/account is locked.*1 minute/);
      // The right password from a browser the account has never seen is refused too, for now.
      expect(await signIn(stack, { email: user.email, password: TEST_PASSWORD })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    }
  });

  it('locks an account for twice as long each time its lock runs out and the guessing goes on', async () => {
    await clearAddressLimits(trusting);
    const user = await trusting.createUser();
    const lockKey = `${trusting.config.queuePrefix}:rl:login:account:${createHash('sha256').update(user.email.toLowerCase()).digest('base64url')}`;
    const waits = [];
    for (let round = 0; round < 3; round++) {
      const replies = [];
      for (let i = 0; i < 11; i++) replies.push(await signIn(trusting, { email: user.email, password: `guess-${round}-${i}` }));
      expect(statuses(replies)).toEqual({ 401: 10, 429: 1 });
      waits.push(replies[10]!.retryAfter);
      // Time passes: the lock runs out (its key expires); the count of locks stays.
      await trusting.redis.del(lockKey);
    }
    expect(waits).toEqual(['60', '120', '240']);
  });

  it('lets the owner in from a browser it signed in with before, while the account is locked to others', async () => {
    await clearAddressLimits(plain);
    const user = await plain.createUser();
    const first = await signIn(plain, { email: user.email, password: TEST_PASSWORD });
    expect(first.status).toBe(200);
    const device = first.cookies.find((c) => c.startsWith('sc_device='))!;
    expect(device).toMatch(/HttpOnly/i);
    const deviceCookie = device.split(';')[0]!;
    for (let i = 0; i < 11; i++) await signIn(plain, { email: user.email, password: `guess-${i}` });
    expect((await signIn(plain, { email: user.email, password: TEST_PASSWORD })).status).toBe(429);
    // The owner's own browser is not locked out with the account...
    expect((await signIn(plain, { email: user.email, password: TEST_PASSWORD, cookie: deviceCookie })).status).toBe(200);
    // ...but a stolen or guessed device cookie has an allowance of its own, and one made up is no device at all.
    const fromDevice = [];
    for (let i = 0; i < 11; i++) fromDevice.push(await signIn(plain, { email: user.email, password: `guess-${i}`, cookie: deviceCookie }));
    expect(statuses(fromDevice)).toEqual({ 401: 10, 429: 1 });
    expect((await signIn(plain, { email: user.email, password: TEST_PASSWORD, cookie: 'sc_device=made-up' })).status).toBe(429);
  });

  it('gives each account its own allowance from one address, and limits the address across accounts', async () => {
    await clearAddressLimits(plain);
    const [a, b] = [await plain.createUser(), await plain.createUser()];
    const tries = async (email: string, n: number) => {
      const replies = [];
      for (let i = 0; i < n; i++) replies.push(await signIn(plain, { email, password: `guess-${i}` }));
      return statuses(replies);
    };
    expect(await tries(a.email, 12)).toEqual({ 401: 10, 429: 2 });
    // Another account from the same real address: limited after its own 10, not before.
    expect(await tries(b.email, 12)).toEqual({ 401: 10, 429: 2 });
    // Many accounts from one address (known or not: nothing tells which exist): 100 tries
    // an hour in all, the refused ones above included.
    const spray = [];
    for (let i = 0; i < 90; i++) spray.push(await signIn(plain, { email: `nobody-${randomUUID()}@showcart.test`, password: 'guess' }));
    expect(statuses(spray)).toEqual({ 401: 76, 429: 14 });
    expect(spray.at(-1)).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^\d+$/) });
    expect(spray.at(-1)!.message).toMatch(/from your network/);
    await clearAddressLimits(plain);
  });

  it('counts forged X-Forwarded-For as the peer, unless the peer is a proxy TRUST_PROXY names', async () => {
    // Each request names a new address: the api without trusted proxies counts them all as
    // loopback's, so the 101st attempt from it is refused; the trusting api believes them.
    for (const [stack, refusedAfter] of [[plain, 100], [trusting, undefined]] as const) {
      await clearAddressLimits(stack);
      const replies = [];
      for (let i = 0; i < 101; i++) replies.push(await signIn(stack, { email: `nobody-${randomUUID()}@showcart.test`, password: 'guess' }));
      expect(statuses(replies)).toEqual(refusedAfter ? { 401: refusedAfter, 429: 101 - refusedAfter } : { 401: 101 });
      await clearAddressLimits(stack);
    }
  });
});
