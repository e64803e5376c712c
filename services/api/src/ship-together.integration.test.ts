import { randomUUID } from 'node:crypto';
import type { TOrder, TSale, TShipTogetherSuggestion } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedRequests } from '../../../infra/local/stripe-test-proxy.ts';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * Ship together through the api and the worker against stripe-mock: a show's paid order,
 * the seller's suggestions, the buyer told and adding one (charged the item price only, in
 * the same box, paid out less the platform fee), the box shipped with everything in it,
 * and each refusal changing nothing.
 */
let stack: TStack;
const FEE_BPS = 500;
const SHIPPING = 700;
const BOOST_MAX = 500;
beforeAll(async () => {
  stack = await startStack({ worker: true, env: { PLATFORM_FEE_BPS: String(FEE_BPS), FIRST_SALE_SHIPPING_DISCOUNT_MINOR: String(BOOST_MAX) } });
});
afterAll(async () => stack?.close());

type TUser = Awaited<ReturnType<TStack['createUser']>>;

const newSeller = async () => {
  const seller = await stack.createUser({ shippingMinor: SHIPPING });
  await stack.db.query(
    `insert into connect_accounts (user_id, stripe_account_id, transfers_active, payouts_enabled, details_submitted) values ($1, $2, true, true, true)`,
    [seller.id, `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`],
  );
  return seller;
};

/** A show of one item claimed by the buyer, settled until its order is paid: the box's first order. */
const paidOrder = async (seller: TUser, buyer: TUser) => {
  const { variantIds } = await stack.createListing(seller.id, { title: 'Denim jacket', priceMinor: 4_000 });
  const { show } = await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
  return until('the show order paid', async () => {
    const { rows } = await stack.db.query<{ id: string }>(`select id from orders where show_id = $1 and status = 'paid'`, [show.id]);
    return rows[0]?.id;
  });
};

const ordersOf = async (buyer: TUser) => (await stack.http('GET', '/api/orders', { cookie: buyer.cookie })).body.orders as TOrder[];
const suggest = (seller: TUser, orderId: string, variantIds: string[]) =>
  stack.http('POST', `/api/sales/${orderId}/ship-together`, { cookie: seller.cookie, body: { variantIds } });
const add = (buyer: TUser, orderId: string, suggestionId: string, attemptId = randomUUID()) =>
  stack.http('POST', `/api/orders/${orderId}/ship-together/${suggestionId}`, { cookie: buyer.cookie, body: { attemptId } });
const useCard = (buyer: TUser, paymentMethod: string) =>
  stack.http('POST', '/api/payments/test-card', { cookie: buyer.cookie, body: { paymentMethod } });

/** What a refusal must leave as it was: the buyer's orders, the stock and its holds, the box. */
const stateOf = async (buyerId: string, variantId: string) => ({
  orders: (await stack.db.query('select id, status, total_minor, shipped_at from orders where buyer_id = $1 order by id', [buyerId])).rows,
  variant: (await stack.db.query('select quantity, reserved from listing_variants where id = $1', [variantId])).rows[0],
  adds: (await stack.db.query('select a.id, a.released_at from ship_together_adds a join orders o on o.id = a.order_id where o.buyer_id = $1', [buyerId])).rows,
  suggestions: (await stack.db.query('select id from ship_together_suggestions where buyer_id = $1 order by id', [buyerId])).rows,
});

const ledgerOf = async (orderId: string) => {
  const { rows } = await stack.db.query<{ account: string; minor: number }>(
    'select account, sum(amount_minor)::int as minor from ledger_entries where order_id = $1 group by account', [orderId]);
  return (account: string) => rows.find((r) => r.account === account)?.minor ?? 0;
};

describe('ship together', () => {
  it('charges an added item its price only, in the same box, pays the seller less the fee, and ships the box whole', async () => {
    const seller = await newSeller();
    const buyer = await stack.createUser({ withCard: true });
    const firstId = await paidOrder(seller, buyer);
    const boots = await stack.createListing(seller.id, { title: 'Chelsea boots', priceMinor: 2_500, variants: [['38', 2], ['39', 1]] });
    const scarf = await stack.createListing(seller.id, { title: 'Silk scarf', priceMinor: 1_200 });

    const suggested = await suggest(seller, firstId, [boots.variantIds[0]!, scarf.variantIds[0]!]);
    expect(suggested.status).toBe(201);
    const suggestions = suggested.body.suggestions as TShipTogetherSuggestion[];
    expect(suggestions.map((s) => [s.title, s.priceMinor, s.available, s.addedOrderId]).sort()).toEqual([
      ['Chelsea boots', 2_500, true, null], ['Silk scarf', 1_200, true, null],
    ]);
    // Suggesting the same again adds nothing and tells nobody again.
    expect((await suggest(seller, firstId, [boots.variantIds[0]!])).body.suggestions).toHaveLength(2);

    // The buyer is told, with a link to the order.
    const told = await until('the buyer told', async () => {
      const { rows } = await stack.db.query<{ payload: { title: string; url: string } }>(
        `select e.payload from notification_events e join notification_recipients r on r.event_id = e.id
          where r.user_id = $1 and e.kind = 'ship_together'`, [buyer.id]);
      return rows.length > 0 && rows;
    });
    expect(told).toHaveLength(1);
    expect(told[0]!.payload.url).toBe(`/orders#order-${firstId}`);
    expect(told[0]!.payload.title).toContain('Chelsea boots');

    // The buyer sees them on its order, and adds the boots.
    const first = (await ordersOf(buyer)).find((o) => o.id === firstId)!;
    expect(first.shipTogether).toHaveLength(2);
    const bootsSuggestion = first.shipTogether.find((s) => s.title === 'Chelsea boots')!;
    const attemptId = randomUUID();
    const added = await add(buyer, firstId, bootsSuggestion.id, attemptId);
    expect(added.status).toBe(201);
    const child = added.body.order as TOrder;
    expect(child).toMatchObject({
      status: 'paid', origin: 'ship_together', itemsMinor: 2_500, shippingMinor: 0, discountMinor: 0, boostMinor: 0, totalMinor: 2_500,
      shipsWithOrderId: firstId, items: [{ title: 'Chelsea boots', variantLabel: '38', priceMinor: 2_500 }],
    });
    // A double tap, or a retry, is the same add.
    const again = await add(buyer, firstId, bootsSuggestion.id, attemptId);
    expect(again.status).toBe(201);
    expect(again.body.order.id).toBe(child.id);

    // Stripe was asked once, for the item price: the proxy replays the first answer to the key.
    const key = `order-${child.id}-charge`;
    const requests = (await recordedRequests(stack.config.stripe.apiBase!, stack.config.stripe.secretKey)).filter((r) => r.idempotencyKey === key);
    expect(requests.filter((r) => !r.replayed)).toHaveLength(1);
    const charged = await stack.stripe.paymentIntents.create({ amount: 1, currency: 'usd' }, { idempotencyKey: key });
    expect(charged.amount).toBe(2_500);

    // One shipping fee for the box, paid by its first order (the new seller's: the boost paid it).
    const box = (await stack.db.query<{ shipping: number; boosts: number; n: number }>(
      `select sum(o.shipping_minor)::int as shipping, sum(o.boost_minor)::int as boosts, count(*)::int as n
         from orders o join orders f on f.shipment_id = o.shipment_id where f.id = $1`, [firstId])).rows[0]!;
    expect(box).toEqual({ shipping: SHIPPING, boosts: BOOST_MAX, n: 2 });
    // The unit left the closet with its hold.
    expect((await stack.db.query('select quantity, reserved from listing_variants where id = $1', [boots.variantIds[0]])).rows[0])
      .toEqual({ quantity: 1, reserved: 0 });

    // Paid out: the seller its price less the platform fee, no commission; the ledger agrees.
    const fee = Math.floor((2_500 * FEE_BPS) / 10_000);
    await until('the added item paid out', async () => {
      const { rows } = await stack.db.query(`select 1 from transfers where order_id = $1 and status = 'sent'`, [child.id]);
      return rows.length > 0;
    });
    const transfers = (await stack.db.query('select kind, amount_minor as amount from transfers where order_id = $1', [child.id])).rows;
    expect(transfers).toEqual([{ kind: 'seller', amount: 2_500 - fee }]);
    const balance = await ledgerOf(child.id);
    expect(balance('platform:stripe_balance')).toBe(fee);
    expect(balance(`seller:${seller.id}:payable`)).toBe(0);
    expect(balance('platform:fees')).toBe(-fee);
    expect(balance('platform:boost')).toBe(0);

    // The seller sees the add on the sale, and ships the box: every order in it ships.
    const sales = (await stack.http('GET', '/api/sales', { cookie: seller.cookie })).body.sales as TSale[];
    expect(sales.find((s) => s.orderId === firstId)!.suggestions.find((s) => s.title === 'Chelsea boots')!.added).toBe(true);
    expect(sales.find((s) => s.orderId === child.id)!.shipsWithOrderId).toBe(firstId);
    const shipped = await stack.http('POST', `/api/sales/${firstId}/ship`, { cookie: seller.cookie });
    expect(shipped.status).toBe(200);
    expect([...shipped.body.orderIds].sort()).toEqual([firstId, child.id].sort());
    const shippedOrders = (await ordersOf(buyer)).filter((o) => o.id === firstId || o.id === child.id);
    expect(shippedOrders.every((o) => o.shippedAt !== null)).toBe(true);
    expect((await stack.http('POST', `/api/sales/${child.id}/ship`, { cookie: seller.cookie })).body.shippedAt).toBe(shipped.body.shippedAt);

    // After it shipped: nothing more joins the box, and nothing changes.
    const scarfSuggestion = first.shipTogether.find((s) => s.title === 'Silk scarf')!;
    const before = await stateOf(buyer.id, scarf.variantIds[0]!);
    const late = await add(buyer, firstId, scarfSuggestion.id);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ORDER_SHIPPED');
    expect((await suggest(seller, firstId, [boots.variantIds[1]!])).body.error.code).toBe('ORDER_SHIPPED');
    expect(await stateOf(buyer.id, scarf.variantIds[0]!)).toEqual(before);
    // The database refuses it too, whatever path would try.
    await expect(stack.db.query(`update orders set shipment_id = (select shipment_id from orders where id = $1) where id = $2`,
      [firstId, (await paidOrder(seller, buyer))])).rejects.toThrow(/has shipped/);
  });

  it('refuses another seller’s listing, another buyer, the same item twice, no stock and a closed order, changing nothing', async () => {
    const seller = await newSeller();
    const other = await newSeller();
    const buyer = await stack.createUser({ withCard: true });
    const stranger = await stack.createUser({ withCard: true });
    const firstId = await paidOrder(seller, buyer);
    const mine = await stack.createListing(seller.id, { title: 'Belt', priceMinor: 900, variants: [['S', 1], ['M', 1]] });
    const theirs = await stack.createListing(other.id, { title: 'Not yours', priceMinor: 900 });
    const state = () => stateOf(buyer.id, mine.variantIds[0]!);

    // Another seller's listing.
    let before = await state();
    const foreign = await suggest(seller, firstId, [mine.variantIds[0]!, theirs.variantIds[0]!]);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('variantIds.1') });
    expect(await state()).toEqual(before);
    // Someone else's sale.
    expect((await suggest(other, firstId, [theirs.variantIds[0]!])).status).toBe(404);
    // Out of stock, as suggested.
    await stack.db.query('update listing_variants set quantity = 0 where id = $1', [mine.variantIds[1]]);
    expect((await suggest(seller, firstId, [mine.variantIds[1]!])).body.error.code).toBe('NOT_ENOUGH_STOCK');
    await stack.db.query('update listing_variants set quantity = 1 where id = $1', [mine.variantIds[1]]);
    // Too many at once: the body is refused before anything.
    expect((await suggest(seller, firstId, Array.from({ length: 7 }, () => randomUUID()))).body.error.code).toBe('INVALID_INPUT');

    const both = (await suggest(seller, firstId, [mine.variantIds[0]!, mine.variantIds[1]!])).body.suggestions as TShipTogetherSuggestion[];
    const belt = both.find((s) => s.variantLabel === 'S');
    const beltM = both.find((s) => s.variantLabel === 'M');

    // A suggestion for another buyer, through its order or through its own.
    before = await state();
    expect((await add(stranger, firstId, belt!.id)).status).toBe(404);
    const strangersOrder = await paidOrder(seller, stranger);
    expect((await add(stranger, strangersOrder, belt!.id)).status).toBe(404);
    expect(await state()).toEqual(before);

    // A declined card: nothing kept, nothing held, the buyer told; with a good card it goes in.
    await useCard(buyer, 'pm_card_chargeDeclined');
    const declined = await add(buyer, firstId, belt!.id);
    expect(declined.status).toBe(402);
    expect(declined.body.error.code).toBe('CARD_DECLINED');
    const cancelled = (await stack.db.query<{ status: string; released: boolean }>(
      `select o.status, a.released_at is not null as released from ship_together_adds a join orders o on o.id = a.order_id
        where a.suggestion_id = $1`, [belt!.id])).rows;
    expect(cancelled).toEqual([{ status: 'canceled', released: true }]);
    expect((await stack.db.query('select quantity, reserved from listing_variants where id = $1', [mine.variantIds[0]])).rows[0])
      .toEqual({ quantity: 1, reserved: 0 });
    await until('the buyer told of the decline', async () => (await stack.db.query(
      `select 1 from notification_events e join notification_recipients r on r.event_id = e.id
        where r.user_id = $1 and e.kind = 'order_declined' and e.id like 'ship-together-declined:%'`, [buyer.id])).rows.length > 0);
    await useCard(buyer, 'pm_card_visa');
    const added = await add(buyer, firstId, belt!.id);
    expect(added.status).toBe(201);
    expect(added.body.order).toMatchObject({ status: 'paid', totalMinor: 900 });

    // The same item twice (a second attempt, not a retry).
    before = await state();
    const twice = await add(buyer, firstId, belt!.id);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('CONFLICT');
    expect(await state()).toEqual(before);

    // Sold out since it was suggested.
    await stack.db.query('update listing_variants set quantity = 0 where id = $1', [mine.variantIds[1]]);
    const beforeM = await stateOf(buyer.id, mine.variantIds[1]!);
    const gone = await add(buyer, firstId, beltM!.id);
    expect(gone.body.error.code).toBe('SOLD_OUT');
    expect(await stateOf(buyer.id, mine.variantIds[1]!)).toEqual(beforeM);
    await stack.db.query('update listing_variants set quantity = 1 where id = $1', [mine.variantIds[1]]);

    // An added item never pays shipping or takes a discount: the database refuses both.
    const childId = (added.body.order as TOrder).id;
    await expect(stack.db.query('update orders set discount_minor = 100, total_minor = total_minor - 100 where id = $1', [childId])).rejects.toThrow(/orders_ship_together_in_box/);
    await expect(stack.db.query('update orders set shipping_minor = 500, total_minor = total_minor + 500, seller_share_minor = seller_share_minor + 500 where id = $1', [childId]))
      .rejects.toThrow(/orders_ship_together_in_box/);

    // The first order refunded: its box takes nothing more.
    const refund = await stack.http('POST', `/api/orders/${firstId}/refunds`, { cookie: seller.cookie, body: { attemptId: randomUUID(), amountMinor: 100, reason: 'Late' } });
    expect(refund.status).toBe(202);
    before = await stateOf(buyer.id, mine.variantIds[1]!);
    const closed = await add(buyer, firstId, beltM!.id);
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('ORDER_CLOSED');
    expect((await suggest(seller, firstId, [mine.variantIds[1]!])).body.error.code).toBe('ORDER_CLOSED');
    expect(await stateOf(buyer.id, mine.variantIds[1]!)).toEqual(before);
  });
});
