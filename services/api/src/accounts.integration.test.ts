import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../../../infra/test/harness.ts';
import { linkInNewestMail, mailsTo as mailsToCatcher } from '../../../infra/test/mail.ts';

/**
 * Accounts anyone can open, with mail through the run's real SMTP server (the mail catcher
 * the test setup starts, read through its HTTP API).
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

type TErrorReply = { error: { code: string } };
const mailsTo = (address: string) => mailsToCatcher(stack.env.MAIL_CATCHER_URL, address);
/** The token of the link in the newest mail to `address` with this subject. */
const tokenFrom = async (address: string, subject: RegExp) =>
  (await linkInNewestMail(stack.env.MAIL_CATCHER_URL, address, subject)).searchParams.get('token')!;
const cookieOf = (res: { headers: Headers }) => res.headers.getSetCookie().find((c) => c.startsWith('sc_session='))?.split(';')[0];
const newEmail = () => `new-${randomUUID().slice(0, 8)}@Showcart.test`;
const PASSWORD = 'tea kettle on the boil';
const signUp = (body: Record<string, unknown>, address?: string) =>
  fetch(`${stack.apiUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
    body: JSON.stringify(body),
  });
const usersWith = async (email: string) => (await stack.db.query('select id from users where lower(email) = lower($1)', [email])).rows.length;

describe('signing up', () => {
  it('opens an account signed in at once, proves the email by the mailed link, once', async () => {
    const email = newEmail();
    const res = await signUp({ email, password: PASSWORD, displayName: 'Maya New' });
    expect(res.status).toBe(201);
    const me = (await res.json()) as { id: string };
    expect(me).toMatchObject({ email, displayName: 'Maya New', emailVerified: false, hasPaymentMethod: false });
    const cookie = cookieOf(res)!;
    expect((await stack.http('GET', '/api/me', { cookie })).body).toMatchObject({ id: me.id, emailVerified: false });

    // Not yet proven: it cannot sell (a show would sell to people).
    const listing = await stack.createListing(me.id);
    const showBody = { title: 'First show', entries: [{ variantId: listing.variantIds[0]! }] };
    expect(await stack.http('POST', '/api/shows', { cookie, body: showBody })).toMatchObject({ status: 403, body: { error: { code: 'EMAIL_UNVERIFIED' } } });
    expect((await stack.db.query('select 1 from shows where host_id = $1', [me.id])).rows).toHaveLength(0);

    const token = await tokenFrom(email, /Confirm your email/);
    expect((await mailsTo(email))[0]!.text).toContain(`${stack.config.publicUrl}/verify?token=${token}`);
    expect(await stack.http('POST', '/api/auth/verify', { body: { token } })).toMatchObject({ status: 200, body: { verified: true } });
    expect((await stack.http('GET', '/api/me', { cookie })).body).toMatchObject({ emailVerified: true });
    expect((await stack.http('POST', '/api/shows', { cookie, body: showBody })).status).toBe(201);
    // A link works once.
    expect(await stack.http('POST', '/api/auth/verify', { body: { token } })).toMatchObject({ status: 410, body: { error: { code: 'LINK_EXPIRED' } } });
  });

  it('refuses a taken email (whatever its case), a weak password and markup in a name, changing nothing', async () => {
    const email = newEmail();
    expect((await signUp({ email, password: PASSWORD, displayName: 'First' })).status).toBe(201);
    const again = await signUp({ email: email.toUpperCase(), password: PASSWORD, displayName: 'Second' });
    expect([again.status, ((await again.json()) as TErrorReply).error.code]).toEqual([409, 'EMAIL_TAKEN']);
    expect(await usersWith(email)).toBe(1);

    const other = newEmail();
    for (const [body, status, code] of [
      [{ email: other, password: 'short', displayName: 'X' }, 400, 'INVALID_INPUT'],
      [{ email: other, password: 'password123', displayName: 'X' }, 422, 'WEAK_PASSWORD'],
      [{ email: other, password: `${other.split('@')[0]}-2026!`, displayName: 'X' }, 422, 'WEAK_PASSWORD'],
      [{ email: other, password: PASSWORD, displayName: '<b>Bold</b>' }, 400, 'INVALID_INPUT'],
      [{ email: other, password: PASSWORD, displayName: 'Tab\there' }, 400, 'INVALID_INPUT'],
      [{ email: 'not an email', password: PASSWORD, displayName: 'X' }, 400, 'INVALID_INPUT'],
      [{ email: other, password: PASSWORD, displayName: 'X', isAdmin: true }, 400, 'INVALID_INPUT'],
    ] as const) {
      const res = await signUp(body);
      expect([res.status, ((await res.json()) as TErrorReply).error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(await usersWith(other)).toBe(0);
    expect(await mailsTo(other)).toEqual([]);
  });
});

describe('a forgotten password', () => {
  it('is reset by the mailed link, which ends every session and works once', async () => {
    const email = newEmail();
    const first = cookieOf(await signUp({ email, password: PASSWORD, displayName: 'Forgetful' }))!;
    expect((await stack.http('POST', '/api/auth/reset-request', { body: { email: email.toLowerCase() } })).status).toBe(202);
    const token = await tokenFrom(email, /Reset your Showcart password/);

    expect(await stack.http('POST', '/api/auth/reset', { body: { token, password: 'password123' } })).toMatchObject({ status: 422 });
    const fresh = 'a brand new passphrase';
    expect(await stack.http('POST', '/api/auth/reset', { body: { token, password: fresh } })).toMatchObject({ status: 200, body: { reset: true } });
    // The old session ended; the old password opens nothing; the new one does.
    expect((await stack.http('GET', '/api/me', { cookie: first })).status).toBe(401);
    expect((await stack.http('POST', '/api/auth/login', { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await stack.http('POST', '/api/auth/login', { body: { email, password: fresh } })).status).toBe(200);
    expect(await stack.http('POST', '/api/auth/reset', { body: { token, password: 'yet another passphrase' } })).toMatchObject({ status: 410 });
  });

  it('answers the same for an email with no account, and mails nothing; an old link has expired', async () => {
    const nobody = newEmail();
    expect(await stack.http('POST', '/api/auth/reset-request', { body: { email: nobody } })).toMatchObject({ status: 202, body: { sent: true } });
    await new Promise((r) => setTimeout(r, 500));
    expect(await mailsTo(nobody)).toEqual([]);

    const email = newEmail();
    await signUp({ email, password: PASSWORD, displayName: 'Late' });
    await stack.http('POST', '/api/auth/reset-request', { body: { email } });
    const token = await tokenFrom(email, /Reset/);
    await stack.db.query(
      `update account_tokens set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
        where user_id = (select id from users where lower(email) = lower($1)) and purpose = 'reset-password'`, [email]);
    expect(await stack.http('POST', '/api/auth/reset', { body: { token, password: 'a brand new passphrase' } })).toMatchObject({ status: 410, body: { error: { code: 'LINK_EXPIRED' } } });
    expect((await stack.http('POST', '/api/auth/login', { body: { email, password: PASSWORD } })).status).toBe(200);
  });

  it('mails one email at most 5 times an hour, however it is asked', async () => {
    const email = newEmail();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.http('POST', '/api/auth/reset-request', { body: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });
});

describe('a signed-in person', () => {
  it('changes its password (knowing the current one) and signs out everywhere', async () => {
    const email = newEmail();
    const phone = cookieOf(await signUp({ email, password: PASSWORD, displayName: 'Two Devices' }))!;
    const laptop = cookieOf(await fetch(`${stack.apiUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
    }))!;
    expect(await stack.http('POST', '/api/auth/password', { cookie: phone, body: { currentPassword: 'wrong one', password: 'a brand new passphrase' } }))
      .toMatchObject({ status: 401, body: { error: { code: 'BAD_CREDENTIALS' } } });
    expect((await stack.http('GET', '/api/me', { cookie: laptop })).status).toBe(200);
    expect(await stack.http('POST', '/api/auth/password', { cookie: phone, body: { currentPassword: PASSWORD, password: 'a brand new passphrase' } }))
      .toMatchObject({ status: 200, body: { ended: 2 } });
    for (const cookie of [phone, laptop]) expect((await stack.http('GET', '/api/me', { cookie })).status).toBe(401);

    const again = cookieOf(await fetch(`${stack.apiUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a brand new passphrase' }),
    }))!;
    expect(await stack.http('POST', '/api/auth/logout-everywhere', { cookie: again })).toMatchObject({ status: 200, body: { ended: 1 } });
    expect((await stack.http('GET', '/api/me', { cookie: again })).status).toBe(401);
  });
});

describe('profiles', () => {
  it('gives each account a handle, lets it pick another (unique whatever its case), and shows its page to anyone', async () => {
    const maya = await stack.createUser({ name: 'Maya Closet' });
    const me = (await stack.http('GET', '/api/me', { cookie: maya.cookie })).body as { handle: string };
    expect(me.handle).toMatch(/^mayacloset_[0-9a-f]{6}$/);

    const handle = `maya_${randomUUID().slice(0, 6)}`;
    expect(await stack.http('PATCH', '/api/me/profile', { cookie: maya.cookie, body: { handle: handle.toUpperCase(), bio: 'Vintage denim,\nshipped in 2 days.' } }))
      .toMatchObject({ status: 200, body: { handle } });
    const other = await stack.createUser();
    expect(await stack.http('PATCH', '/api/me/profile', { cookie: other.cookie, body: { handle: handle.toUpperCase() } }))
      .toMatchObject({ status: 409, body: { error: { code: 'HANDLE_TAKEN' } } });
    for (const body of [{ handle: 'a b' }, { handle: 'xy' }, { bio: '<script>alert(1)</script>' }, { displayName: '' }, {}, { isAdmin: true }]) {
      expect((await stack.http('PATCH', '/api/me/profile', { cookie: other.cookie, body })).status, JSON.stringify(body)).toBe(400);
    }

    const listing = await stack.createListing(maya.id, { title: 'Selvedge jeans', variants: [['30', 2]] });
    await stack.createListing(maya.id, { title: 'Sold out tee', variants: [['M', 0]] });
    const show = await stack.createShow(maya.cookie, [{ variantId: listing.variantIds[0]! }]);
    // Signed out, by any case of the handle.
    const page = await stack.http('GET', `/api/profiles/${handle.toUpperCase()}`);
    expect(page).toMatchObject({ status: 200, body: { handle, displayName: 'Maya Closet', bio: 'Vintage denim,\nshipped in 2 days.', salesCount: 0 } });
    const body = page.body as { listings: { title: string }[]; shows: { id: string }[]; replays: unknown[] };
    expect(body.listings.map((l) => l.title)).toEqual(['Selvedge jeans']);
    expect(body.shows.map((s) => s.id)).toEqual([show.id]);
    expect(body.replays).toEqual([]);
    expect(await stack.http('GET', '/api/profiles/nobody_here_at_all')).toMatchObject({ status: 404 });
    expect((await stack.http('GET', '/api/profiles/not%20a%20handle')).status).toBe(400);
  });
});

describe('changing the email', () => {
  it('needs the password, refuses a taken email, and proves the new one by its own link', async () => {
    const email = newEmail();
    const res = await signUp({ email, password: PASSWORD, displayName: 'Mover' });
    const cookie = cookieOf(res)!;
    await stack.http('POST', '/api/auth/verify', { body: { token: await tokenFrom(email, /Confirm your email/) } });
    const taken = newEmail();
    await signUp({ email: taken, password: PASSWORD, displayName: 'Other' });

    expect((await stack.http('POST', '/api/auth/email', { cookie, body: { currentPassword: 'wrong one', email: newEmail() } })).body.error.code)
      .toBe('BAD_CREDENTIALS');
    expect((await stack.http('POST', '/api/auth/email', { cookie, body: { currentPassword: PASSWORD, email: taken.toUpperCase() } })).body.error.code)
      .toBe('EMAIL_TAKEN');
    expect((await stack.http('GET', '/api/me', { cookie })).body).toMatchObject({ email, emailVerified: true });

    const next = newEmail();
    const moved = await stack.http('POST', '/api/auth/email', { cookie, body: { currentPassword: PASSWORD, email: next } });
    expect(moved).toMatchObject({ status: 200, body: { email: next, emailVerified: false } });
    await expect.poll(async () => (await mailsTo(email)).some((m) => /email was changed/.test(m.subject)), { timeout: 10_000 }).toBe(true);
    // Signing in goes by the new email; the new one is proven by its own mailed link.
    expect((await fetch(`${stack.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) })).status).toBe(401);
    await stack.http('POST', '/api/auth/verify', { body: { token: await tokenFrom(next, /Confirm your email/) } });
    expect((await stack.http('GET', '/api/me', { cookie })).body).toMatchObject({ email: next, emailVerified: true });
  });
});

// Last: it spends this peer's allowance, which every sign-up above shares.
describe('limits', () => {
  it('holds the limits against 200 attempts from rotating forged addresses: one email, one address', async () => {
    // Reset mails to one account: 5, however many forged addresses ask (the api trusts no proxy here).
    const user = await stack.createUser();
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${stack.apiUrl}/api/auth/reset-request`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i % 250}` }, body: JSON.stringify({ email: user.email }),
      });
      expect([202, 429]).toContain(res.status);
    }
    await expect.poll(async () => (await mailsTo(user.email)).length, { timeout: 10_000 }).toBe(5);

    // Sign-ups from one peer: its hourly allowance, then 429 for the rest, whatever X-Forwarded-For says.
    const made: number[] = [];
    for (let i = 0; i < 200; i++) {
      made.push((await signUp({ email: newEmail(), password: PASSWORD, displayName: `Bot ${i}` }, `203.0.113.${i % 250}`)).status);
    }
    expect(made.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    expect(made.filter((s) => s === 201).length).toBeLessThanOrEqual(60);
    expect(made.slice(-140).every((s) => s === 429)).toBe(true);
  });
});
