import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { createPhotoStore } from '@showcart/common';
import type { TSessionEnded } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedRequests } from '../../../infra/local/stripe-test-proxy.ts';
import { newOpId, request, startStack, TEST_PASSWORD, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * Privacy: a person downloads everything the platform holds about them, and deletes the
 * account. Deleting waits for what others are owed, erases the person, and keeps the
 * seller's orders with the buyer anonymised.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(async () => stack?.close());

type TUser = Awaited<ReturnType<TStack['createUser']>>;
const one = async <T>(sql: string, values: unknown[]) => (await stack.db.query(sql, values)).rows[0] as T;
const count = async (sql: string, values: unknown[]) => (await one<{ n: number }>(`select count(*)::int as n from (${sql}) x`, values)).n;

/** The export as the browser downloads it: the response, its headers and its text. */
const download = async (cookie: string) => {
  const res = await fetch(`${stack.apiUrl}/api/me/export`, { headers: { cookie } });
  return { status: res.status, headers: res.headers, text: await res.text() };
};

/** A show of the seller's item that the buyer claims, settled by the worker until the order is paid; the order's id. */
const buyInAShow = async (seller: TUser, buyer: TUser, title = 'Denim jacket') => {
  const { variantIds } = await stack.createListing(seller.id, { title, priceMinor: 3_000 });
  const { show } = await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
  return until('the order paid', async () =>
    (await one<{ id: string } | undefined>(`select id from orders where show_id = $1 and status = 'paid'`, [show.id]))?.id);
};

/** Marks an order shipped, as its seller's Ship does: in a box of its own. */
const ship = async (orderId: string) => {
  const order = await one<{ sellerId: string; buyerId: string }>('select seller_id as "sellerId", buyer_id as "buyerId" from orders where id = $1', [orderId]);
  const box = await one<{ id: string }>(
    'insert into shipments (order_id, seller_id, buyer_id) values ($1, $2, $3) returning id', [orderId, order.sellerId, order.buyerId]);
  await stack.db.query('update orders set shipment_id = $2, shipped_at = now() where id = $1', [orderId, box.id]);
  await stack.db.query('update shipments set shipped_at = now() where id = $1', [box.id]);
};

/** Rows of every kind for `me`: a photo and a listing, a like, follows both ways, messages both ways, a block, a report, notifications, a push subscription. */
const fillAccount = async (me: TUser, other: TUser) => {
  const photoId = randomUUID();
  await stack.db.query('insert into photos (id, owner_id, width, height, bytes) values ($1, $2, 10, 10, 100)', [photoId, me.id]);
  const store = createPhotoStore(stack.config.recordings);
  await store.put(`photos/${photoId}/full.webp`, Buffer.from('webp bytes'), 'image/webp');
  const { listingId } = await stack.createListing(me.id, { title: 'My own boots' });
  await stack.db.query('insert into listing_photos (listing_id, photo_id, position) values ($1, $2, 0)', [listingId, photoId]);
  const liked = await stack.createListing(other.id, { title: 'A liked scarf' });
  expect((await stack.http('POST', `/api/likes/${liked.listingId}`, { cookie: me.cookie })).status).toBe(200);
  expect((await stack.http('POST', `/api/follows/${other.id}`, { cookie: me.cookie })).status).toBe(200);
  expect((await stack.http('POST', `/api/follows/${me.id}`, { cookie: other.cookie })).status).toBe(200);
  expect((await stack.http('POST', `/api/messages/${other.handle}`, { cookie: me.cookie, body: { clientId: randomUUID(), body: 'Is the scarf wool?' } })).status).toBe(201);
  expect((await stack.http('POST', `/api/messages/${me.handle}`, { cookie: other.cookie, body: { clientId: randomUUID(), body: 'Yes, merino.' } })).status).toBe(201);
  const third = await stack.createUser();
  expect((await stack.http('POST', `/api/blocks/${third.handle}`, { cookie: me.cookie })).status).toBe(200);
  expect((await stack.http('POST', `/api/reports/${third.handle}`, { cookie: me.cookie, body: { reason: 'Rude in chat' } })).status).toBe(201);
  await stack.db.query(
    `insert into notifications (user_id, kind, event_id, payload) values ($1, 'order_paid', $2, '{"title":"Paid","body":"Your order is paid","url":"/orders"}')`,
    [me.id, `test:${randomUUID()}`]);
  const patched = await stack.http('PATCH', '/api/notifications/preferences', {
    cookie: me.cookie, body: { preferences: [{ kind: 'price_drop', channel: 'email', enabled: false }], quietHours: null },
  });
  expect(patched.status).toBe(200);
  const keys = { p256dh: createECDH('prime256v1').generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  const endpoint = `https://push.example.test/${randomUUID()}`;
  // As the browser's subscription is saved (the test stack has no Web Push keys, so the endpoint answers NOT_CONFIGURED).
  await stack.db.query('insert into push_subscriptions (user_id, endpoint, p256dh, auth) values ($1, $2, $3, $4)', [me.id, endpoint, keys.p256dh, keys.auth]);
  return { photoId, listingId, likedListingId: liked.listingId, endpoint, keys, store };
};

describe('the export', () => {
  it('is a JSON file of the person’s rows of every kind, and holds no secret', async () => {
    const me = await stack.createUser({ withCard: true });
    const seller = await stack.createUser({ withCard: true });
    const filled = await fillAccount(me, seller);
    const bought = await buyInAShow(seller, me);
    const sold = await buyInAShow(me, seller, 'Vintage lamp');
    // A card saved as the wallet saves one: its brand and last four digits shown.
    expect((await stack.http('POST', '/api/payments/test-card', { cookie: me.cookie, body: { paymentMethod: 'pm_card_visa' } })).status).toBe(200);

    const file = await download(me.cookie);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^application\/json/);
    expect(file.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="showcart-${me.handle}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
    const data = JSON.parse(file.text);
    expect(data.format).toBe('showcart-account-export/1');
    expect(data.account).toMatchObject({ id: me.id, email: me.email, handle: me.handle, displayName: me.name });
    expect(data.card).toEqual({ brand: 'visa', last4: '4242' });
    expect(data.addresses).toEqual([expect.objectContaining({ line1: '1 Test Street', postalCode: '10001', country: 'US' })]);
    expect(data.photos).toEqual([expect.objectContaining({ photoUrl: `${stack.config.publicUrl}/api/photos/${filled.photoId}/full` })]);
    expect(data.listings).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: filled.listingId, title: 'My own boots', photoUrls: [`${stack.config.publicUrl}/api/photos/${filled.photoId}/full`] }),
      expect.objectContaining({ title: 'Vintage lamp', variants: [expect.objectContaining({ label: 'M' })] }),
    ]));
    expect(data.likes).toEqual([expect.objectContaining({ listingId: filled.likedListingId, title: 'A liked scarf' })]);
    expect(data.following).toEqual([expect.objectContaining({ handle: seller.handle })]);
    expect(data.followers).toEqual([expect.objectContaining({ handle: seller.handle })]);
    expect(data.showsHosted).toEqual([expect.objectContaining({ title: 'Test show' })]);
    expect(data.claims).toEqual([expect.objectContaining({ title: 'Denim jacket', status: 'won' })]);
    expect(data.ordersBought).toEqual([expect.objectContaining({ id: bought, sellerHandle: seller.handle, status: 'paid', items: [expect.objectContaining({ title: 'Denim jacket' })] })]);
    expect(data.ordersSold).toEqual([expect.objectContaining({ id: sold, buyerHandle: seller.handle, status: 'paid' })]);
    expect(data.payouts).toEqual([expect.objectContaining({ orderId: sold, kind: 'seller', status: 'waiting' })]);
    expect(data.messages.map((m: { direction: string; body: string; withHandle: string }) => [m.direction, m.body, m.withHandle])).toEqual([
      ['sent', 'Is the scarf wool?', seller.handle], ['received', 'Yes, merino.', seller.handle],
    ]);
    expect(data.blocks).toHaveLength(1);
    expect(data.reports).toEqual([expect.objectContaining({ reason: 'Rude in chat' })]);
    expect(data.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'order_paid' })]));
    expect(data.notificationPreferences).toEqual([{ kind: 'price_drop', channel: 'email', enabled: false }]);
    expect(data.pushSubscriptions).toEqual([{ endpoint: filled.endpoint, createdAt: expect.any(String), lastSuccessAt: null }]);
    expect(data.sessions).toEqual([{ createdAt: expect.any(String), expiresAt: expect.any(String) }]);

    // No secret, in any form it is kept.
    const secrets = await one<{ passwordHash: string; customerId: string; methodId: string }>(
      `select u.password_hash as "passwordHash", p.stripe_customer_id as "customerId", p.default_payment_method_id as "methodId"
         from users u join payment_profiles p on p.user_id = u.id where u.id = $1`, [me.id]);
    const token = decodeURIComponent(me.cookie.split('=')[1]!);
    const { rows: hashes } = await stack.db.query<{ hash: Buffer }>('select token_hash as hash from sessions where user_id = $1', [me.id]);
    for (const secret of [secrets.passwordHash, '$argon2', secrets.customerId, secrets.methodId, token, filled.keys.p256dh, filled.keys.auth,
      ...hashes.flatMap((h) => [h.hash.toString('hex'), h.hash.toString('base64'), h.hash.toString('base64url')])]) {
      expect(file.text).not.toContain(secret);
    }
    expect(file.text).not.toMatch(/password|token_?hash|tokenHash|p256dh|stripe_?customer|acct_|cus_|pm_/i);
  }, 120_000);

  it('is limited per person, and needs a session', async () => {
    const me = await stack.createUser();
    for (let i = 0; i < 5; i++) expect((await download(me.cookie)).status).toBe(200);
    const sixth = await download(me.cookie);
    expect(sixth.status).toBe(429);
    expect(JSON.parse(sixth.text).error.code).toBe('RATE_LIMITED');
    expect((await download('sc_session=nope')).status).toBe(401);
  });
});

describe('deleting an account', () => {
  it('refuses a wrong password and changes nothing', async () => {
    const me = await stack.createUser();
    const wrong = await stack.http('POST', '/api/me/delete', { cookie: me.cookie, body: { password: 'not my password' } });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'BAD_CREDENTIALS' } } });
    expect((await stack.http('GET', '/api/me', { cookie: me.cookie })).body).toMatchObject({ id: me.id, email: me.email });
    expect(await one('select deleted_at as "deletedAt" from users where id = $1', [me.id])).toEqual({ deletedAt: null });
  });

  it('refuses while the person owes anything, naming each, and changes nothing', async () => {
    const refusal = async (user: TUser) => {
      const res = await stack.http('POST', '/api/me/delete', { cookie: user.cookie, body: { password: TEST_PASSWORD } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ACCOUNT_HAS_OBLIGATIONS');
      expect(await one('select email from users where id = $1', [user.id])).toEqual({ email: user.email });
      expect((await stack.http('GET', '/api/me', { cookie: user.cookie })).status).toBe(200);
      const check = (await stack.http('GET', '/api/me/deletion', { cookie: user.cookie })).body;
      return { message: res.body.error.message as string, kinds: check.obligations.map((o: { kind: string }) => o.kind) as string[] };
    };

    // A scheduled show it hosts.
    const host = await stack.createUser();
    const { variantIds } = await stack.createListing(host.id);
    const scheduled = await stack.createShow(host.cookie, [{ variantId: variantIds[0]! }]);
    expect(await refusal(host)).toEqual({ kinds: ['hosting_shows'], message: expect.stringContaining('You host a show that is scheduled or live') });
    // Cancelled, it owes nothing any more.
    expect((await stack.http('POST', `/api/shows/${scheduled.id}/cancel`, { cookie: host.cookie })).status).toBe(200);
    expect((await stack.http('GET', '/api/me/deletion', { cookie: host.cookie })).body).toEqual({ obligations: [] });

    // A paid sale not shipped (and its payout waiting: the seller has no payout account), and the buyer's side of it.
    const seller = await stack.createUser();
    const buyer = await stack.createUser({ withCard: true });
    const orderId = await buyInAShow(seller, buyer);
    expect((await refusal(seller)).kinds).toEqual(['unshipped_sales', 'pending_payouts']);
    expect(await refusal(buyer)).toEqual({ kinds: ['unshipped_orders'], message: expect.stringContaining('has not shipped yet') });
    await ship(orderId);
    expect((await refusal(seller)).kinds).toEqual(['pending_payouts']);

    // An order not yet paid, for both sides.
    const payer = await stack.createUser();
    const vendor = await stack.createUser();
    const { variantIds: [variantId] } = await stack.createListing(vendor.id);
    const show = await stack.createShow(vendor.cookie, [{ variantId: variantId! }]);
    await stack.db.query(`update shows set status = 'cancelled', cancelled_at = now() where id = $1`, [show.id]);
    await stack.db.query(
      `insert into orders (show_id, buyer_id, seller_id, currency, items_minor, shipping_minor, total_minor, seller_share_minor, status, origin, shipping_address)
       values ($1, $2, $3, 'usd', 1000, 0, 1000, 1000, 'payment_failed', 'replay', '{}')`, [show.id, payer.id, vendor.id]);
    expect((await refusal(payer)).kinds).toEqual(['unpaid_orders']);
    expect((await refusal(vendor)).kinds).toEqual(['unpaid_sales']);

    // Claims in a show that ended but has not settled yet (the worker is stopped from settling it by being quick: the show is ended by hand).
    const claimer = await stack.createUser({ withCard: true });
    const live = await stack.createUser();
    const { variantIds: [liveVariant] } = await stack.createListing(live.id);
    const running = await stack.createShow(live.cookie, [{ variantId: liveVariant! }]);
    await stack.db.query(`update shows set status = 'ended', started_at = now(), ended_at = now() where id = $1`, [running.id]);
    await stack.db.query(
      `insert into claims (id, show_id, entry_id, buyer_id, seq, position, price_minor, claimed_at) values ($1, $2, $3, $4, 1, 1, 1000, now())`,
      [randomUUID(), running.id, running.entries[0]!.entryId, claimer.id]);
    expect((await refusal(claimer)).kinds).toEqual(['unsettled_claims']);
    expect((await refusal(live)).kinds).toEqual(['settling_shows']);

    // A claim in a show that is live: it is in the engine's state alone until the show settles.
    const viewer = await stack.createUser({ withCard: true });
    const streamer = await stack.createUser();
    const { variantIds: [streamed] } = await stack.createListing(streamer.id);
    const onAir = await stack.createShow(streamer.cookie, [{ variantId: streamed! }]);
    const hostSocket = await stack.connect(streamer.cookie);
    const viewerSocket = await stack.connect(viewer.cookie);
    const ask = async (socket: typeof hostSocket, event: string, extra: object = {}) =>
      expect(await request(socket, event, { showId: onAir.id, clientOpId: newOpId(), ...extra })).toMatchObject({ ok: true });
    await ask(hostSocket, 'show:start');
    await ask(hostSocket, 'queue:feature', { entryId: onAir.entries[0]!.entryId });
    expect((await stack.http('GET', '/api/me/deletion', { cookie: viewer.cookie })).body).toEqual({ obligations: [] });
    await ask(viewerSocket, 'claim:create', { entryId: onAir.entries[0]!.entryId });
    expect((await refusal(viewer)).kinds).toEqual(['unsettled_claims']);
    expect((await refusal(streamer)).kinds).toEqual(['hosting_shows']);
  }, 120_000);

  it('erases the person, keeps the seller’s order with the buyer anonymised, frees the handle and email, and ends every session', async () => {
    const me = await stack.createUser({ withCard: true });
    const seller = await stack.createUser();
    const filled = await fillAccount(me, seller);
    const orderId = await buyInAShow(seller, me);
    await ship(orderId);
    const customerId = (await one<{ id: string }>('select stripe_customer_id as id from payment_profiles where user_id = $1', [me.id])).id;
    const socket = await stack.connect(me.cookie);
    const ended = new Promise<TSessionEnded>((resolve) => socket.once('session:ended', resolve));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const res = await stack.http('POST', '/api/me/delete', { cookie: me.cookie, body: { password: TEST_PASSWORD } });
    expect(res).toMatchObject({ status: 200, body: { deleted: true } });
    expect(res.headers.getSetCookie().some((c) => c.startsWith('sc_session=;'))).toBe(true);
    expect(await ended).toMatchObject({ reason: 'account-deleted', code: 'UNAUTHENTICATED' });
    expect(await disconnected).toBe('io server disconnect');

    // The old cookie is nobody; the export and every request with it are refused.
    expect((await stack.http('GET', '/api/me', { cookie: me.cookie })).status).toBe(401);
    expect((await download(me.cookie)).status).toBe(401);
    expect((await stack.http('POST', '/api/me/delete', { cookie: me.cookie, body: { password: TEST_PASSWORD } })).status).toBe(401);
    // The old email signs nobody in, and signs up a new person.
    expect((await stack.http('POST', '/api/auth/login', { body: { email: me.email, password: TEST_PASSWORD } })).body.error.code).toBe('BAD_CREDENTIALS');
    const again = await stack.http('POST', '/api/auth/signup', { body: { email: me.email, password: 'a brand new passphrase', displayName: 'New me' } });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(me.id);
    // The handle is free for anyone, and names no profile until taken.
    expect((await stack.http('GET', `/api/profiles/${me.handle}`)).status).toBe(404);
    const taker = await stack.createUser();
    expect((await stack.http('PATCH', '/api/me/profile', { cookie: taker.cookie, body: { handle: me.handle } })).body.handle).toBe(me.handle);
    // A tombstone's kind of handle is no one else's.
    expect((await stack.http('PATCH', '/api/me/profile', { cookie: taker.cookie, body: { handle: 'deleted__abc' } })).body.error.code).toBe('HANDLE_TAKEN');

    // The tombstone, and nothing of the person around it.
    const tomb = await one<Record<string, unknown>>(
      `select email, password_hash as "passwordHash", display_name as "displayName", handle, bio, avatar_photo_id as "avatarPhotoId",
              deleted_at is not null as deleted from users where id = $1`, [me.id]);
    expect(tomb).toEqual({ email: null, passwordHash: null, displayName: 'Deleted user', handle: expect.stringMatching(/^deleted__[0-9a-f]{21}$/), bio: '', avatarPhotoId: null, deleted: true });
    for (const [table, column] of [['sessions', 'user_id'], ['addresses', 'user_id'], ['likes', 'user_id'], ['push_subscriptions', 'user_id'],
      ['notifications', 'user_id'], ['notification_preferences', 'user_id'], ['messages', 'sender_id'], ['blocks', 'blocker_id'],
      ['follows', 'follower_id'], ['follows', 'followee_id'], ['photos', 'owner_id'], ['listings', 'seller_id']] as const) {
      expect([table, column, await count(`select 1 from ${table} where ${column} = $1`, [me.id])]).toEqual([table, column, 0]);
    }
    expect(await one('select follower_count as n from users where id = $1', [seller.id])).toEqual({ n: 0 });
    expect(await count('select 1 from likes where listing_id = $1', [filled.likedListingId])).toBe(0);
    expect(await filled.store.open(`photos/${filled.photoId}/full.webp`)).toBeNull();
    // The other side of the thread keeps what it wrote.
    expect(await count(`select 1 from messages where sender_id = $1 and body = 'Yes, merino.'`, [seller.id])).toBe(1);
    expect((await stack.http('POST', `/api/messages/${tomb.handle}`, { cookie: seller.cookie, body: { clientId: randomUUID(), body: 'Hello?' } })).status).toBe(404);
    expect((await stack.http('POST', `/api/follows/${me.id}`, { cookie: seller.cookie })).status).toBe(404);
    // The card is unusable now, and the Stripe customer goes with its cards.
    expect(await count('select 1 from payment_profiles where user_id = $1 and (default_payment_method_id is not null or card_last4 is not null)', [me.id])).toBe(0);
    await until('the Stripe customer deleted', async () =>
      (await recordedRequests(stack.config.stripe.apiBase!, stack.config.stripe.secretKey))
        .some((r) => r.method === 'DELETE' && r.path === `/v1/customers/${customerId}` && r.status === 200));
    await until('the payment profile gone', async () => (await count('select 1 from payment_profiles where user_id = $1', [me.id])) === 0);

    // The seller keeps the sale: the buyer is the tombstone, the address only what tax records need.
    const sales = (await stack.http('GET', '/api/sales', { cookie: seller.cookie })).body.sales as { orderId: string; buyerName: string; shippingAddress: Record<string, string> }[];
    const sale = sales.find((s) => s.orderId === orderId)!;
    expect(sale.buyerName).toBe('Deleted user');
    expect(sale.shippingAddress).toEqual({ name: 'Deleted user', line1: 'Address erased', line2: '', city: 'Testville', region: '', postalCode: '10001', country: 'US' });
    expect(await one('select status, buyer_id as "buyerId" from orders where id = $1', [orderId])).toEqual({ status: 'paid', buyerId: me.id });
    // The claim's name in the show's log, as its replay shows it.
    expect(await count(`select 1 from show_events where type = 'claim.created' and payload->>'userId' = $1 and payload->>'displayName' <> 'Deleted user'`, [me.id])).toBe(0);
  }, 120_000);
});
