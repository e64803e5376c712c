import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createMailer, createPushSender, NOTIFICATIONS_QUEUE, pushCollapseKey, createRedis } from '@showcart/common';
import { deliverBatch, fanOutBatch, notify, type TNotifyEvent } from '@showcart/domain';
import type { TNotificationKind, TNotificationNew } from '@showcart/shared';
import { Queue } from 'bullmq';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, sleep, until, type TStack } from '../../../infra/test/harness.ts';
import { mailsTo } from '../../../infra/test/mail.ts';
import { startPushEndpoint } from '../../../infra/test/push-endpoint.ts';

/**
 * The notification pipeline end to end: notify → the worker's fan-out batches → the feed
 * (Postgres), Web Push to a local push service that decrypts what it gets, and email to
 * the run's mail catcher.
 */
let stack: TStack;
let pushes: Awaited<ReturnType<typeof startPushEndpoint>>;
let notifications: Queue;
const vapid = webpush.generateVAPIDKeys();

beforeAll(async () => {
  pushes = await startPushEndpoint();
  stack = await startStack({ worker: true, env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:ops@showcart.test' } });
  notifications = new Queue(NOTIFICATIONS_QUEUE, { connection: createRedis(stack.config.redisUrl, { forBullmq: true }), prefix: stack.config.queuePrefix });
});
afterAll(async () => {
  await notifications?.close();
  await stack?.close();
  await pushes?.close();
});

const payload = { title: 'Paid: $30.00 to Ana', body: 'Your order is paid.', url: '/orders' };
const event = (kind: TNotificationKind, userIds: string[], p: Partial<TNotifyEvent> = {}): TNotifyEvent =>
  ({ eventId: `test:${randomUUID()}`, kind, audience: { type: 'list', userIds }, payload, ...p });
const tell = (e: TNotifyEvent) => notify({ db: stack.db, queue: stack.settlementQueue }, e);

/** Until the worker has nothing left of the fan-out (no batch waiting, delayed or running). */
const settled = async () => {
  await until('the fan-out done', async () => {
    const counts = await notifications.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const settlement = await stack.settlementQueue.getJobCounts('waiting', 'active');
    return Object.values(counts).every((n) => n === 0) && Object.values(settlement).every((n) => n === 0);
  });
};
const rowsOf = async (userId: string) =>
  (await stack.db.query<{ kind: string; event_id: string; read_at: Date | null }>('select kind, event_id, read_at from notifications where user_id = $1', [userId])).rows;
const subscribe = async (cookie: string) => {
  const sub = pushes.subscribe();
  const res = await stack.http('POST', '/api/notifications/push-subscriptions', { cookie, body: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys } });
  expect(res.status).toBe(204);
  return sub;
};
const fanOutDeps = () => ({
  db: stack.db, redis: stack.redis, logger: { warn: () => {}, error: () => {}, info: () => {} } as never, config: stack.config,
  mailer: createMailer(stack.config.mail), push: createPushSender(stack.config.push), notifications,
});

describe('Web Push', () => {
  it('arrives encrypted for the subscription (aes128gcm) and signed by the server’s VAPID key', async () => {
    const user = await stack.createUser();
    const sub = await subscribe(user.cookie);
    const e = event('order_paid', [user.id]);
    await tell(e);
    const [push] = await until('the push', async () => (pushes.pushesTo(sub.endpoint).length ? pushes.pushesTo(sub.endpoint) : undefined));
    expect(push!.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(push!.headers.ttl)).toBeGreaterThan(0);
    const message = JSON.parse(sub.decrypt(push!.body)) as Record<string, unknown>;
    expect(message).toMatchObject({ ...payload, kind: 'order_paid' });
    const { rows } = await stack.db.query<{ id: string }>('select id from notifications where user_id = $1 and event_id = $2', [user.id, e.eventId]);
    expect(message.id).toBe(rows[0]!.id);

    const signed = pushes.vapidOf(push!);
    expect(signed.publicKey).toBe(vapid.publicKey);
    expect(signed.header.alg).toBe('ES256');
    expect(signed.claims.aud).toBe(pushes.origin);
    expect(signed.claims.sub).toBe('mailto:ops@showcart.test');
    expect(signed.claims.exp * 1_000).toBeGreaterThan(Date.now());
    // Someone else's key would not have opened it.
    expect(() => pushes.subscribe().decrypt(push!.body)).toThrow();
    await until('the success noted', async () =>
      (await stack.db.query('select 1 from push_subscriptions where endpoint = $1 and last_success_at is not null', [sub.endpoint])).rowCount);
  });

  it('collapses: 15 events of one kind within the window make 15 feed rows and 1 push', async () => {
    const user = await stack.createUser();
    const sub = await subscribe(user.cookie);
    for (let i = 0; i < 15; i++) await tell(event('price_drop', [user.id], { payload: { ...payload, title: `Price drop ${i}` } }));
    await until('15 rows', async () => (await rowsOf(user.id)).length === 15);
    await settled();
    expect(pushes.pushesTo(sub.endpoint)).toHaveLength(1);
    // Another kind has a window of its own.
    await tell(event('order_paid', [user.id]));
    await until('the other kind pushed', async () => pushes.pushesTo(sub.endpoint).length === 2);
  });

  it('a batch run twice writes no row twice and sends no second push', async () => {
    const user = await stack.createUser();
    const sub = await subscribe(user.cookie);
    const e = event('waitlist_offer', [user.id]);
    await tell(e);
    await tell(e);
    await until('the push', async () => pushes.pushesTo(sub.endpoint).length === 1);
    await settled();
    // The collapse window is not what stops it: with the window free, the rerun still sends nothing.
    await stack.redis.del(pushCollapseKey(user.id, 'waitlist_offer'));
    const again = await fanOutBatch(fanOutDeps(), { eventId: e.eventId, afterUserId: null });
    expect(again).toEqual({ recipients: 1, written: 0 });
    // Its delivery again (a retried or duplicate job): the row was taken by the first.
    expect(await deliverBatch(fanOutDeps(), { eventId: e.eventId, afterUserId: null, throughUserId: user.id })).toEqual({ taken: 0, pushed: 0, pushesGone: 0, emailed: 0 });
    expect(await rowsOf(user.id)).toHaveLength(1);
    await sleep(200);
    expect(pushes.pushesTo(sub.endpoint)).toHaveLength(1);
  });

  it('a subscription the push service answers 410 for is removed; the user’s others still get theirs', async () => {
    const user = await stack.createUser();
    const dead = await subscribe(user.cookie);
    const alive = await subscribe(user.cookie);
    pushes.answer(dead.endpoint, 410);
    await tell(event('order_paid', [user.id]));
    await until('the dead one removed', async () =>
      (await stack.db.query('select 1 from push_subscriptions where endpoint = $1', [dead.endpoint])).rowCount === 0);
    expect(pushes.pushesTo(dead.endpoint)).toHaveLength(1);
    expect(pushes.pushesTo(alive.endpoint)).toHaveLength(1);
    expect((await stack.db.query('select 1 from push_subscriptions where endpoint = $1', [alive.endpoint])).rowCount).toBe(1);
  });

  it('refuses subscriptions a browser would not make, and keeps none of them', async () => {
    const user = await stack.createUser();
    const good = pushes.subscribe();
    const bad: [string, unknown][] = [
      ['an http endpoint off this machine', { endpoint: 'http://push.example.com/x', keys: good.keys }],
      ['an ftp endpoint', { endpoint: 'ftp://push.example.com/x', keys: good.keys }],
      ['not a URL', { endpoint: 'push service', keys: good.keys }],
      ['a short p256dh', { endpoint: good.endpoint, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } }],
      ['a p256dh off the curve', { endpoint: good.endpoint, keys: { ...good.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') } }],
      ['a p256dh with a bad character', { endpoint: good.endpoint, keys: { ...good.keys, p256dh: `${good.keys.p256dh.slice(0, 86)}!` } }],
      ['a long auth', { endpoint: good.endpoint, keys: { ...good.keys, auth: `${good.keys.auth}AAAA` } }],
      ['no keys', { endpoint: good.endpoint }],
    ];
    for (const [what, body] of bad) {
      const res = await stack.http('POST', '/api/notifications/push-subscriptions', { cookie: user.cookie, body });
      expect([400, 422], what).toContain(res.status);
      expect(['INVALID_INPUT', 'BAD_PUSH_SUBSCRIPTION'], what).toContain(res.body.error.code);
    }
    expect((await stack.db.query('select 1 from push_subscriptions where user_id = $1', [user.id])).rowCount).toBe(0);
    // Signed out: refused too.
    expect((await stack.http('POST', '/api/notifications/push-subscriptions', { body: { endpoint: good.endpoint, keys: good.keys } })).status).toBe(401);
    expect((await stack.http('GET', '/api/notifications/vapid-key')).body).toEqual({ publicKey: vapid.publicKey });
  });
});

describe('preferences and quiet hours', () => {
  it('a channel turned off, and quiet hours, keep the push (and email) away but not the feed', async () => {
    const pushOff = await stack.createUser();
    const quiet = await stack.createUser();
    const feedOff = await stack.createUser();
    const subs = { pushOff: await subscribe(pushOff.cookie), quiet: await subscribe(quiet.cookie), feedOff: await subscribe(feedOff.cookie) };
    const set = async (cookie: string, body: object) => {
      const res = await stack.http('PATCH', '/api/notifications/preferences', { cookie, body });
      expect(res.status).toBe(200);
      return res.body as { preferences: { kind: string; channel: string; enabled: boolean }[]; quietHours: unknown };
    };
    const after = await set(pushOff.cookie, { preferences: [{ kind: 'order_paid', channel: 'push', enabled: false }] });
    expect(after.preferences.find((p) => p.kind === 'order_paid' && p.channel === 'push')?.enabled).toBe(false);
    expect(after.preferences.find((p) => p.kind === 'order_paid' && p.channel === 'email')?.enabled).toBe(true);
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    await set(quiet.cookie, { quietHours: { startMinute: minute, endMinute: (minute + 60) % 1440, timeZone: 'UTC' } });
    await set(feedOff.cookie, { preferences: [{ kind: 'order_paid', channel: 'in_app', enabled: false }] });

    await tell(event('order_paid', [pushOff.id, quiet.id, feedOff.id]));
    await until('the feed-off user pushed', async () => pushes.pushesTo(subs.feedOff.endpoint).length === 1);
    await settled();
    expect(pushes.pushesTo(subs.pushOff.endpoint)).toHaveLength(0);
    expect(pushes.pushesTo(subs.quiet.endpoint)).toHaveLength(0);
    // Quiet hours hold the email back too; push off is push only.
    expect(await mailsTo(stack.env.MAIL_CATCHER_URL, quiet.email)).toHaveLength(0);
    await until('the push-off user mailed', async () => (await mailsTo(stack.env.MAIL_CATCHER_URL, pushOff.email)).length === 1);
    // Every one has the row; in-app off, it is born read (no badge).
    expect((await rowsOf(pushOff.id))[0]?.read_at).toBeNull();
    expect((await rowsOf(quiet.id))[0]?.read_at).toBeNull();
    expect((await rowsOf(feedOff.id))[0]?.read_at).not.toBeNull();

    // Quiet hours that are not now let the push through.
    await set(quiet.cookie, { quietHours: { startMinute: (minute + 120) % 1440, endMinute: (minute + 180) % 1440, timeZone: 'UTC' } });
    await tell(event('waitlist_offer', [quiet.id]));
    await until('pushed outside quiet hours', async () => pushes.pushesTo(subs.quiet.endpoint).length === 1);

    const refused = await stack.http('PATCH', '/api/notifications/preferences', { cookie: quiet.cookie, body: { quietHours: { startMinute: 60, endMinute: 120, timeZone: 'Mars/Olympus' } } });
    expect(refused.status).toBe(400);
    const unknownKind = await stack.http('PATCH', '/api/notifications/preferences', { cookie: quiet.cookie, body: { preferences: [{ kind: 'spam', channel: 'push', enabled: true }] } });
    expect(unknownKind.status).toBe(400);
  });
});

describe('email', () => {
  it('carries an unsubscribe link for its kind; a link changes only the user and kind it names; a forged one is refused', async () => {
    const ana = await stack.createUser();
    const ben = await stack.createUser();
    await tell(event('order_declined', [ana.id, ben.id], { payload: { title: 'Payment declined', body: 'Pay by tomorrow.', url: '/orders' } }));
    const mailOf = (email: string) => until(`a mail to ${email}`, async () => (await mailsTo(stack.env.MAIL_CATCHER_URL, email)).at(-1));
    const anaMail = await mailOf(ana.email);
    await mailOf(ben.email);
    expect(anaMail.subject).toBe('Payment declined');
    // The catcher keeps each mail as it came (its `source` file): the headers as sent.
    const raw = await readFile((anaMail as unknown as { source: string }).source, 'utf8');
    const header = /^List-Unsubscribe:((?:[^\r\n]|\r?\n[ \t])+)/im.exec(raw)?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
    const link = new URL(/(https?:\/\/\S+\/unsubscribe\?token=[A-Za-z0-9_-]+)/.exec(anaMail.text)![1]!);
    expect(header).toBe(`<${link.href}>`);

    const token = link.searchParams.get('token')!;
    const res = await stack.http('POST', '/api/notifications/unsubscribe', { body: { token } });
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('order_declined');
    const prefs = async (cookie: string) =>
      ((await stack.http('GET', '/api/notifications/preferences', { cookie })).body as { preferences: { kind: string; channel: string; enabled: boolean }[] }).preferences;
    const emailOf = (list: { kind: string; channel: string; enabled: boolean }[], kind: string) => list.find((p) => p.kind === kind && p.channel === 'email')?.enabled;
    expect(emailOf(await prefs(ana.cookie), 'order_declined')).toBe(false);
    // Only what it names: Ana's other kinds, and Ben's, are as they were.
    expect(emailOf(await prefs(ana.cookie), 'order_paid')).toBe(true);
    expect(emailOf(await prefs(ben.cookie), 'order_declined')).toBe(true);

    const forged = await stack.http('POST', '/api/notifications/unsubscribe', { body: { token: `${token.slice(0, 42)}${token.endsWith('A') ? 'B' : 'A'}` } });
    expect(forged.status).toBe(404);
    expect(forged.body.error.code).toBe('BAD_UNSUBSCRIBE_LINK');
    expect((await stack.http('POST', '/api/notifications/unsubscribe', { body: { token: 'short' } })).status).toBe(400);

    // Unsubscribed, the next one of the kind is not mailed to Ana (after the window, so the window is not why).
    await stack.redis.del(`notify:collapse:email:${ana.id}:order_declined`, `notify:collapse:email:${ben.id}:order_declined`);
    await tell(event('order_declined', [ana.id, ben.id]));
    await until('Ben mailed again', async () => (await mailsTo(stack.env.MAIL_CATCHER_URL, ben.email)).length === 2);
    await settled();
    expect(await mailsTo(stack.env.MAIL_CATCHER_URL, ana.email)).toHaveLength(1);
  });
});

describe('the feed', () => {
  it('pages by cursor, counts unread, marks one or all read, and never shows another’s', async () => {
    const user = await stack.createUser();
    const other = await stack.createUser();
    for (let i = 0; i < 35; i++) await tell(event('price_drop', [user.id], { payload: { ...payload, title: `Drop ${i}` } }));
    await until('35 rows', async () => (await rowsOf(user.id)).length === 35);
    const first = await stack.http('GET', '/api/notifications', { cookie: user.cookie });
    expect(first.body.notifications).toHaveLength(30);
    expect(first.body.unread).toBe(35);
    const second = await stack.http('GET', `/api/notifications?cursor=${first.body.nextCursor}`, { cookie: user.cookie });
    expect(second.body.notifications).toHaveLength(5);
    expect(second.body.nextCursor).toBeNull();
    const ids = new Set([...first.body.notifications, ...second.body.notifications].map((n: { id: string }) => n.id));
    expect(ids.size).toBe(35);

    const one = first.body.notifications[0].id as string;
    expect((await stack.http('POST', `/api/notifications/${one}/read`, { cookie: other.cookie })).status).toBe(404);
    expect((await stack.http('POST', `/api/notifications/${one}/read`, { cookie: user.cookie })).body).toEqual({ unread: 34 });
    expect((await stack.http('GET', '/api/notifications/unread', { cookie: user.cookie })).body).toEqual({ unread: 34 });
    expect((await stack.http('POST', '/api/notifications/read-all', { cookie: user.cookie })).body).toEqual({ unread: 0 });
    expect((await stack.http('GET', '/api/notifications', { cookie: other.cookie })).body.notifications).toHaveLength(0);
    expect((await stack.http('GET', '/api/notifications?cursor=!!', { cookie: user.cookie })).status).toBe(400);
    expect((await stack.http('GET', '/api/notifications?cursor=abc', { cookie: user.cookie })).status).toBe(400);
  });
});

describe('triggers', () => {
  it('an order paid at a show’s end reaches the buyer’s open page live, once, with the unread count', async () => {
    const host = await stack.createUser();
    const buyer = await stack.createUser({ withCard: true });
    const item = await stack.createListing(host.id, { priceMinor: 3_000 });
    const socket = await stack.connect(buyer.cookie);
    const live: TNotificationNew[] = [];
    socket.on('notification:new', (n) => live.push(n));
    await stack.runShow({ host, entries: [{ variantId: item.variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
    const { rows: orders } = await until('the order paid', async () => {
      const r = await stack.db.query<{ id: string }>(`select id from orders where buyer_id = $1 and status = 'paid'`, [buyer.id]);
      return r.rowCount ? r : undefined;
    });
    await until('the live notification', async () => live.length > 0);
    expect(live[0]!.notification).toMatchObject({ kind: 'order_paid', url: '/orders', readAt: null });
    expect(live[0]!.notification.title).toMatch(/^Paid: \$\d+\.\d\d to /);
    expect(live[0]!.unread).toBe(1);
    await settled();
    const rows = await rowsOf(buyer.id);
    expect(rows).toEqual([expect.objectContaining({ kind: 'order_paid', event_id: `order-paid:${orders[0]!.id}` })]);
    expect(live).toHaveLength(1);
    // The host, on no socket of the buyer's, heard nothing.
    expect(await rowsOf(host.id)).toHaveLength(0);
  });
});
