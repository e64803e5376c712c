import { randomUUID } from 'node:crypto';
import { splitOrder, type TListingOffers, type TNotification, type TOrder } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedRequests } from '../../../infra/local/stripe-test-proxy.ts';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * Buy now from the closet and offers to likers (issue 17 point 4), against stripe-mock with
 * the worker charging: what the card was charged (the PaymentIntent's amount, as the Stripe
 * proxy saw it), who pays for the offer (the seller), and each refusal changing nothing.
 */
let stack: TStack;
const FEE_BPS = 500;
beforeAll(async () => {
  stack = await startStack({ worker: true, env: { PLATFORM_FEE_BPS: String(FEE_BPS), PAYMENT_DEADLINE_SECONDS: '3' } });
});
afterAll(async () => stack?.close());

type TUser = Awaited<ReturnType<TStack['createUser']>>;

/** What each order's card was charged: the amounts of its PaymentIntents, one per order if charged once. */
const chargedFor = async (orderId: string) =>
  (await recordedRequests(stack.config.stripe.apiBase!, stack.config.stripe.secretKey))
    .filter((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === `order-${orderId}-charge` && !r.replayed)
    .map((r) => r.amount);
const orderRow = async (orderId: string) =>
  (await stack.db.query<{ status: string; total: number; items: number; shipping: number; discount: number; shippingDiscount: number; seller: number; fee: number }>(
    `select status, total_minor as total, items_minor as items, shipping_minor as shipping, discount_minor as discount,
            shipping_discount_minor as "shippingDiscount", seller_share_minor as seller, platform_fee_minor as fee
       from orders where id = $1`, [orderId])).rows[0]!;
const paid = (orderId: string) => until(`order ${orderId} paid`, async () => (await orderRow(orderId)).status === 'paid');
const ledgerOf = async (orderId: string) =>
  (await stack.db.query<{ account: string; minor: number }>(
    'select account, sum(amount_minor)::int as minor from ledger_entries where order_id = $1 group by account order by account', [orderId])).rows;
const countOf = async (sql: string, params: unknown[]) => (await stack.db.query<{ n: number }>(`select count(*)::int as n from (${sql}) x`, params)).rows[0]!.n;
const freeOf = async (variantId: string) =>
  (await stack.db.query<{ quantity: number; reserved: number }>('select quantity, reserved from listing_variants where id = $1', [variantId])).rows[0]!;

const like = async (user: TUser, listingId: string) => expect((await stack.http('POST', `/api/likes/${listingId}`, { cookie: user.cookie })).status).toBe(200);
const sendOffer = (seller: TUser, listingId: string, body: Record<string, unknown>) =>
  stack.http('POST', `/api/listings/${listingId}/liker-offers`, {
    cookie: seller.cookie, body: { attemptId: randomUUID(), shippingDiscountMinor: 0, durationHours: 24, ...body },
  });
const offersOf = async (user: TUser, listingId: string) =>
  (await stack.http('GET', `/api/listings/${listingId}/liker-offers`, { cookie: user.cookie })).body as TListingOffers;
const buy = (user: TUser, listingId: string, variantId: string, offerId?: string) =>
  stack.http('POST', `/api/listings/${listingId}/buy`, { cookie: user.cookie, body: { attemptId: randomUUID(), variantId, ...(offerId ? { offerId } : {}) } });

describe('offers to likers at the closet checkout', () => {
  it('charges a liker the offer price and discounted shipping once, refuses a second use, an expired offer and bad sends', async () => {
    const seller = await stack.createUser({ shippingMinor: 700 });
    const other = await stack.createUser();
    const { listingId, variantIds } = await stack.createListing(seller.id, { title: 'Camel coat', priceMinor: 4_000, variants: [['M', 3]] });
    const variantId = variantIds[0]!;
    const [amy, ben, cara] = [await stack.createUser({ withCard: true }), await stack.createUser({ withCard: true }), await stack.createUser({ withCard: true })];
    await like(amy, listingId);
    await like(ben, listingId);
    // The seller's own like is a bookmark: it gets no offer.
    await like(seller, listingId);
    expect(await offersOf(seller, listingId)).toEqual({ mine: null, seller: { likers: 2, active: null } });

    // Refused, each with its code, and nothing sent.
    expect((await sendOffer(other, listingId, { priceMinor: 3_000 })).body.error.code).toBe('FORBIDDEN');
    const notLower = await sendOffer(seller, listingId, { priceMinor: 4_000 });
    expect(notLower).toMatchObject({ status: 422, body: { error: { code: 'OFFER_NOT_LOWER', message: 'The offer must be below the current price of $40.00.' } } });
    expect((await sendOffer(seller, listingId, { priceMinor: 4_500 })).body.error.code).toBe('OFFER_NOT_LOWER');
    expect((await sendOffer(seller, listingId, { priceMinor: 3_000, shippingDiscountMinor: 701 })).body.error)
      .toMatchObject({ code: 'OFFER_NOT_LOWER', message: 'The shipping discount can be at most the shipping fee of $7.00.' });
    for (const bad of [{ priceMinor: 0 }, { priceMinor: 1.5 }, { priceMinor: 3_000, durationHours: 0 }, { priceMinor: 3_000, durationHours: 169 }]) {
      expect((await sendOffer(seller, listingId, bad)).body.error.code).toBe('INVALID_INPUT');
    }
    expect(await countOf('select 1 from liker_offer_sends where listing_id = $1', [listingId])).toBe(0);

    const attemptId = randomUUID();
    const sent = await sendOffer(seller, listingId, { attemptId, priceMinor: 3_000, shippingDiscountMinor: 500, durationHours: 24 });
    expect(sent).toMatchObject({ status: 201, body: { id: attemptId, priceMinor: 3_000, shippingDiscountMinor: 500, recipients: 2, used: 0 } });
    expect(Date.parse(sent.body.expiresAt) - Date.parse(sent.body.createdAt)).toBe(24 * 3_600_000);
    // A retry is the same send; another while it runs is refused.
    expect((await sendOffer(seller, listingId, { attemptId, priceMinor: 3_000, shippingDiscountMinor: 500 })).body.id).toBe(attemptId);
    expect((await sendOffer(seller, listingId, { priceMinor: 2_500 })).body.error.code).toBe('OFFER_ACTIVE');
    expect(await countOf('select 1 from liker_offers o join liker_offer_sends s on s.id = o.send_id where s.listing_id = $1', [listingId])).toBe(2);
    expect((await offersOf(seller, listingId)).seller?.active?.id).toBe(attemptId);

    // Each liker sees its offer and is told (once); someone who does not like the listing has none.
    const amysOffer = (await offersOf(amy, listingId)).mine!;
    expect(amysOffer).toMatchObject({ listingId, priceMinor: 3_000, shippingDiscountMinor: 500, usedAt: null });
    expect((await offersOf(cara, listingId)).mine).toBeNull();
    const told = await until('amy told of the offer', async () =>
      ((await stack.http('GET', '/api/notifications', { cookie: amy.cookie })).body as { notifications: TNotification[] }).notifications.filter((n) => n.kind === 'liker_offer'));
    expect(told).toMatchObject([{ title: '$30.00 for you: Camel coat', url: `/listings/${listingId}` }]);
    expect(await countOf(`select 1 from notification_recipients where event_id = $1`, [`liker-offer:${attemptId}`])).toBe(2);

    // Amy buys with it: the offer's price, shipping less its discount, charged once.
    const bought = await buy(amy, listingId, variantId, amysOffer.id);
    expect(bought.status).toBe(201);
    const order = bought.body.order as TOrder;
    expect(order).toMatchObject({
      origin: 'closet', showId: null, showTitle: null, itemsMinor: 3_000, shippingMinor: 700, shippingDiscountMinor: 500, discountMinor: 500,
      totalMinor: 3_200, items: [{ title: 'Camel coat', variantLabel: 'M', priceMinor: 3_000 }],
    });
    await paid(order.id);
    expect(await chargedFor(order.id)).toEqual([3_200]);
    // The seller pays for its offer: its share is that of the lower price, less the shipping discount.
    const split = splitOrder({ lines: [{ priceMinor: 3_000, commissionBps: 0 }], shippingMinor: 700, platformFeeBps: FEE_BPS, shippingDiscountMinor: 500 });
    expect(split.sellerShareMinor).toBe(3_000 + 700 - 500 - 150);
    expect(await orderRow(order.id)).toMatchObject({ total: 3_200, seller: split.sellerShareMinor, fee: 150 });
    const ledger = new Map((await ledgerOf(order.id)).map((l) => [l.account, l.minor]));
    expect([ledger.get('platform:stripe_balance'), ledger.get(`seller:${seller.id}:payable`), ledger.get('platform:fees')])
      .toEqual([3_200, -split.sellerShareMinor, -150]);
    expect((await offersOf(amy, listingId)).mine?.usedAt).not.toBeNull();
    expect(await freeOf(variantId)).toEqual({ quantity: 2, reserved: 0 });

    // A second use is refused and buys nothing; the database itself refuses a second use row.
    const again = await buy(amy, listingId, variantId, amysOffer.id);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'OFFER_USED' } } });
    expect(await countOf('select 1 from orders where buyer_id = $1', [amy.id])).toBe(1);
    expect(await freeOf(variantId)).toEqual({ quantity: 2, reserved: 0 });
    await expect(stack.db.query(
      'insert into liker_offer_uses (offer_id, order_id, claim_id) select $1, $2, claim_id from order_items where order_id = $2', [amysOffer.id, order.id],
    )).rejects.toThrow(/duplicate key/);
    // Another buyer cannot use Amy's offer.
    expect((await buy(cara, listingId, variantId, amysOffer.id)).body.error.code).toBe('NOT_FOUND');

    // Once its time is up (by the database's clock) Ben's offer is refused; he can still buy at the listed price.
    const bensOffer = (await offersOf(ben, listingId)).mine!;
    await stack.db.query(`update liker_offer_sends set created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' where id = $1`, [attemptId]);
    const expired = await buy(ben, listingId, variantId, bensOffer.id);
    expect(expired).toMatchObject({ status: 410, body: { error: { code: 'OFFER_EXPIRED' } } });
    expect(await countOf('select 1 from orders where buyer_id = $1', [ben.id])).toBe(0);
    expect(await freeOf(variantId)).toEqual({ quantity: 2, reserved: 0 });
    expect((await offersOf(ben, listingId)).mine).toBeNull();
    const full = await buy(ben, listingId, variantId);
    expect(full.body.order).toMatchObject({ origin: 'closet', itemsMinor: 4_000, shippingDiscountMinor: 0, totalMinor: 4_700 });
    await paid(full.body.order.id);
    expect(await chargedFor(full.body.order.id)).toEqual([4_700]);
    // The send ended, the seller may send another.
    expect((await sendOffer(seller, listingId, { priceMinor: 3_500 })).status).toBe(201);
  });

  it('lets one of two sends at once through, and one of two uses of an offer at once', async () => {
    const seller = await stack.createUser({ shippingMinor: 500 });
    const { listingId, variantIds } = await stack.createListing(seller.id, { priceMinor: 3_000, variants: [['M', 5]] });
    const liker = await stack.createUser({ withCard: true });
    await like(liker, listingId);
    const sends = await Promise.all([2_000, 2_500].map((priceMinor) => sendOffer(seller, listingId, { priceMinor })));
    expect(sends.map((s) => s.status).sort()).toEqual([201, 409]);
    expect(sends.find((s) => s.status === 409)!.body.error.code).toBe('OFFER_ACTIVE');
    const offer = (await offersOf(liker, listingId)).mine!;
    const buys = await Promise.all([0, 1].map(() => buy(liker, listingId, variantIds[0]!, offer.id)));
    expect(buys.map((b) => b.status).sort()).toEqual([201, 409]);
    expect(buys.find((b) => b.status === 409)!.body.error.code).toBe('OFFER_USED');
    expect(await countOf('select 1 from orders where buyer_id = $1', [liker.id])).toBe(1);
    expect(await freeOf(variantIds[0]!)).toMatchObject({ quantity: 5, reserved: 1 });
  });

  it('gives a declined buyer’s offer back when its order is released unpaid, and the unit back to the closet', async () => {
    const seller = await stack.createUser({ shippingMinor: 500 });
    const { listingId, variantIds } = await stack.createListing(seller.id, { priceMinor: 3_000, variants: [['M', 1]] });
    const liker = await stack.createUser();
    expect((await stack.http('POST', '/api/payments/test-card', { cookie: liker.cookie, body: { paymentMethod: 'pm_card_chargeDeclined' } })).status).toBe(200);
    await like(liker, listingId);
    await sendOffer(seller, listingId, { priceMinor: 2_000, shippingDiscountMinor: 500 });
    const offer = (await offersOf(liker, listingId)).mine!;
    const declined = (await buy(liker, listingId, variantIds[0]!, offer.id)).body.order as TOrder;
    expect(declined.totalMinor).toBe(2_000);
    await until('the unpaid order released', async () => (await orderRow(declined.id)).status === 'canceled');
    expect(await freeOf(variantIds[0]!)).toEqual({ quantity: 1, reserved: 0 });
    expect((await offersOf(liker, listingId)).mine).toMatchObject({ id: offer.id, usedAt: null });
    // With a card that pays, the same offer buys the same unit.
    await stack.http('POST', '/api/payments/test-card', { cookie: liker.cookie, body: { paymentMethod: 'pm_card_visa' } });
    const bought = await buy(liker, listingId, variantIds[0]!, offer.id);
    expect(bought.body.order).toMatchObject({ totalMinor: 2_000, shippingDiscountMinor: 500 });
    await paid(bought.body.order.id);
    expect(await freeOf(variantIds[0]!)).toEqual({ quantity: 0, reserved: 0 });
  });

  it('buys one unit of a size, once per attempt, refusing one’s own listing, a sold-out size and a buyer without a card', async () => {
    const seller = await stack.createUser({ shippingMinor: 300 });
    const { listingId, variantIds } = await stack.createListing(seller.id, { priceMinor: 2_000, variants: [['S', 1], ['L', 0]] });
    const dee = await stack.createUser({ withCard: true });
    const noCard = await stack.createUser();
    expect((await buy(seller, listingId, variantIds[0]!)).body.error.code).toBe('FORBIDDEN');
    expect((await buy(noCard, listingId, variantIds[0]!)).body.error.code).toBe('NO_PAYMENT_METHOD');
    expect((await buy(dee, listingId, variantIds[1]!)).body.error.code).toBe('SOLD_OUT');
    expect((await buy(dee, listingId, randomUUID())).body.error.code).toBe('NOT_FOUND');
    const attemptId = randomUUID();
    const body = { attemptId, variantId: variantIds[0]! };
    // A retry (a lost answer) is the same purchase.
    const first = await stack.http('POST', `/api/listings/${listingId}/buy`, { cookie: dee.cookie, body });
    const retry = await stack.http('POST', `/api/listings/${listingId}/buy`, { cookie: dee.cookie, body });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(first.body.order.id).toBe(retry.body.order.id);
    expect(first.body.order).toMatchObject({ totalMinor: 2_300, origin: 'closet' });
    expect((await buy(dee, listingId, variantIds[0]!)).body.error.code).toBe('SOLD_OUT');
    await paid(first.body.order.id);
    expect(await chargedFor(first.body.order.id)).toEqual([2_300]);
    expect(await freeOf(variantIds[0]!)).toEqual({ quantity: 0, reserved: 0 });
  });
});

describe('offers to likers in a live show', () => {
  it('prices a liker’s claim at the offer and takes its shipping discount off the bundle once; others and late offers pay the live price', async () => {
    const seller = await stack.createUser({ shippingMinor: 600 });
    const coat = await stack.createListing(seller.id, { title: 'Wool coat', priceMinor: 5_000, variants: [['S', 3]] });
    const scarf = await stack.createListing(seller.id, { title: 'Scarf', priceMinor: 2_000, variants: [['One size', 1]] });
    const [eve, fay, gus] = [await stack.createUser({ withCard: true }), await stack.createUser({ withCard: true }), await stack.createUser({ withCard: true })];
    await like(eve, coat.listingId);
    await like(gus, scarf.listingId);
    expect((await sendOffer(seller, coat.listingId, { priceMinor: 3_500, shippingDiscountMinor: 400, durationHours: 2 })).status).toBe(201);
    const late = await sendOffer(seller, scarf.listingId, { priceMinor: 1_000, durationHours: 1 });
    // Gus's offer of the scarf ended before the show: his claim pays the live price.
    await stack.db.query(`update liker_offer_sends set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = $1`, [late.body.id]);

    // Eve claims two coats: the first at the offer's price, the second at the live price; Fay, no liker, pays the live price.
    const { show } = await stack.runShow({
      host: seller,
      entries: [{ variantId: coat.variantIds[0]!, quantity: 3 }, { variantId: scarf.variantIds[0]! }],
      claims: [{ cookie: eve.cookie, entry: 0 }, { cookie: eve.cookie, entry: 0 }, { cookie: fay.cookie, entry: 0 }, { cookie: gus.cookie, entry: 1 }],
    });
    const orders = await until('the show settled and paid', async () => {
      const { rows } = await stack.db.query<{ id: string; buyerId: string; status: string }>(
        'select id, buyer_id as "buyerId", status from orders where show_id = $1', [show.id]);
      return rows.length === 3 && rows.every((o) => o.status === 'paid') ? rows : null;
    });
    const of = (user: TUser) => orders.find((o) => o.buyerId === user.id)!.id;

    const eves = await orderRow(of(eve));
    expect(eves).toMatchObject({ items: 3_500 + 5_000, shipping: 600, shippingDiscount: 400, discount: 400, total: 3_500 + 5_000 + 600 - 400 });
    expect(await chargedFor(of(eve))).toEqual([8_700]);
    const split = splitOrder({
      lines: [{ priceMinor: 3_500, commissionBps: 0 }, { priceMinor: 5_000, commissionBps: 0 }], shippingMinor: 600, platformFeeBps: FEE_BPS, shippingDiscountMinor: 400,
    });
    expect(eves.seller).toBe(split.sellerShareMinor);
    const { rows: lines } = await stack.db.query<{ price: number; claimPrice: number }>(
      `select oi.price_minor as price, c.price_minor as "claimPrice" from order_items oi join claims c on c.id = oi.claim_id where oi.order_id = $1 order by c.seq`,
      [of(eve)]);
    // The claims keep the live price they were made at; the order's line carries the offer's.
    expect(lines).toEqual([{ price: 3_500, claimPrice: 5_000 }, { price: 5_000, claimPrice: 5_000 }]);
    expect(await countOf('select 1 from liker_offer_uses where order_id = $1', [of(eve)])).toBe(1);
    expect((await offersOf(eve, coat.listingId)).mine?.usedAt).not.toBeNull();

    expect(await orderRow(of(fay))).toMatchObject({ items: 5_000, shippingDiscount: 0, total: 5_600 });
    expect(await chargedFor(of(fay))).toEqual([5_600]);
    expect(await orderRow(of(gus))).toMatchObject({ items: 2_000, shippingDiscount: 0, total: 2_600 });
    expect(await countOf('select 1 from liker_offer_uses u join orders o on o.id = u.order_id where o.buyer_id = $1', [gus.id])).toBe(0);

    // Used in the show, Eve's offer is refused at the closet checkout.
    const offer = (await offersOf(eve, coat.listingId)).mine!;
    expect((await buy(eve, coat.listingId, coat.variantIds[0]!, offer.id)).body.error.code).toBe('OFFER_USED');
  });
});
