import { randomUUID } from 'node:crypto';
import { splitOrder } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * The first-sale boost through the real settlement: a live show, the worker's settle and
 * charge jobs against stripe-mock, the payouts and a refund; the platform pays the first
 * buyer's shipping (up to the most configured), the seller is paid in full.
 */
let stack: TStack;
const BOOST_MAX = 500;
const SHIPPING = 700;
const PRICE = 4_000;
beforeAll(async () => {
  stack = await startStack({ worker: true, env: { PLATFORM_FEE_BPS: '500', FIRST_SALE_SHIPPING_DISCOUNT_MINOR: String(BOOST_MAX) } });
});
afterAll(async () => stack?.close());

const ordersOf = async (showId: string) =>
  (await stack.db.query<{ id: string; buyerId: string; status: string; total: number; discount: number; boost: number; seller: number }>(
    `select id, buyer_id as "buyerId", status, total_minor as total, discount_minor as discount, boost_minor as boost,
            seller_share_minor as seller
       from orders where show_id = $1`,
    [showId],
  )).rows;

const ledgerOf = async (orderId: string) => {
  const { rows } = await stack.db.query<{ account: string; minor: number }>(
    'select account, sum(amount_minor)::int as minor from ledger_entries where order_id = $1 group by account', [orderId]);
  return (account: string) => rows.find((r) => r.account === account)?.minor ?? 0;
};

/** A show of the seller's items, each claimed by one buyer in turn, settled until every order is paid and paid out. */
const sellInAShow = async (seller: { id: string; cookie: string }, buyers: { cookie: string }[]) => {
  const variants = [];
  for (const _ of buyers) variants.push((await stack.createListing(seller.id, { priceMinor: PRICE })).variantIds[0]!);
  const { show } = await stack.runShow({
    host: seller, entries: variants.map((variantId) => ({ variantId })), claims: buyers.map((b, entry) => ({ cookie: b.cookie, entry })),
  });
  await until('every order paid and paid out', async () => {
    const orders = await ordersOf(show.id);
    if (orders.length !== buyers.length || orders.some((o) => o.status !== 'paid')) return false;
    const { rows } = await stack.db.query<{ n: number }>(
      `select count(*)::int as n from transfers t join orders o on o.id = t.order_id where o.show_id = $1 and t.status = 'sent'`, [show.id]);
    return rows[0]!.n === buyers.length;
  });
  return show;
};

describe('the first-sale boost', () => {
  it('gives the first buyer of a new seller its shipping, the next buyers none, and pays the seller in full', async () => {
    const seller = await stack.createUser({ shippingMinor: SHIPPING });
    await stack.db.query(
      `insert into connect_accounts (user_id, stripe_account_id, transfers_active, payouts_enabled, details_submitted) values ($1, $2, true, true, true)`,
      [seller.id, `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`],
    );
    const [first, second, later] = [await stack.createUser({ withCard: true }), await stack.createUser({ withCard: true }), await stack.createUser({ withCard: true })];
    const { handle } = seller;
    const { listingId, variantIds } = await stack.createListing(seller.id);
    // Before any sale the seller is new wherever buyers see it.
    expect((await stack.http('GET', `/api/listings/${listingId}`)).body.newSeller).toBe(true);
    expect((await stack.http('GET', `/api/profiles/${handle}`)).body.newSeller).toBe(true);
    const scheduled = await stack.createShow(seller.cookie, [{ variantId: variantIds[0]! }]);
    expect(scheduled.hostNewSeller).toBe(true);

    const show = await sellInAShow(seller, [first, second]);
    const orders = await ordersOf(show.id);
    const firstOrder = orders.find((o) => o.buyerId === first.id)!;
    const secondOrder = orders.find((o) => o.buyerId === second.id)!;
    const boost = Math.min(SHIPPING, BOOST_MAX);
    // The charge is items + shipping − discount for the first buyer, items + shipping for the second.
    expect(firstOrder).toMatchObject({ total: PRICE + SHIPPING - boost, discount: boost, boost });
    expect(secondOrder).toMatchObject({ total: PRICE + SHIPPING, discount: 0, boost: 0 });
    const firstLedger = await ledgerOf(firstOrder.id);
    expect(firstLedger('platform:boost')).toBe(boost);
    // What landed (the charge) less what was paid out: the platform's net fee less the boost.
    const unboosted = splitOrder({ lines: [{ priceMinor: PRICE, commissionBps: 0 }], shippingMinor: SHIPPING, platformFeeBps: 500 });
    expect(firstLedger('platform:stripe_balance')).toBe(PRICE + SHIPPING - boost - unboosted.sellerShareMinor);
    // The seller's payout is the same for both orders: what it would be without any boost.
    const { rows: transfers } = await stack.db.query<{ orderId: string; amount: number; status: string }>(
      `select order_id as "orderId", amount_minor as amount, status from transfers where order_id = any($1::uuid[]) and kind = 'seller'`,
      [[firstOrder.id, secondOrder.id]],
    );
    expect(transfers.map((t) => [t.amount, t.status])).toEqual([[unboosted.sellerShareMinor, 'sent'], [unboosted.sellerShareMinor, 'sent']]);
    // The buyer sees the discount on its order.
    expect((await stack.http('GET', `/api/orders/${firstOrder.id}`, { cookie: first.cookie })).body).toMatchObject({ boostMinor: boost, discountMinor: boost });

    // A sale made, the badge is gone and a later buyer pays full shipping.
    expect((await stack.http('GET', `/api/listings/${listingId}`)).body.newSeller).toBe(false);
    expect((await stack.http('GET', `/api/profiles/${handle}`)).body.newSeller).toBe(false);
    expect((await stack.http('GET', `/api/shows/${scheduled.id}`)).body.hostNewSeller).toBe(false);
    const again = await sellInAShow(seller, [later]);
    expect(await ordersOf(again.id)).toMatchObject([{ total: PRICE + SHIPPING, discount: 0, boost: 0 }]);
    expect(await stack.db.query('select order_id from first_sale_boosts where seller_id = $1', [seller.id]))
      .toMatchObject({ rows: [{ order_id: firstOrder.id }] });

    // A full refund gives the buyer what it paid; it comes out of the seller first, and the boost stays spent.
    const refund = await stack.http('POST', `/api/orders/${firstOrder.id}/refunds`, {
      cookie: seller.cookie, body: { attemptId: randomUUID(), amountMinor: firstOrder.total, reason: 'Lost in the post' },
    });
    expect(refund.status).toBe(202);
    const refunded = await until('the refund reversed', async () =>
      (await stack.db.query<{ fromSeller: number; reversed: number }>(
        `select r.from_seller_minor as "fromSeller", v.amount_minor as reversed from refunds r
           join transfer_reversals v on v.refund_id = r.id and v.kind = 'seller' where r.order_id = $1`, [firstOrder.id])).rows[0]);
    expect(refunded).toEqual({ fromSeller: firstOrder.total, reversed: firstOrder.total });
    const after = await ledgerOf(firstOrder.id);
    expect(after('platform:boost')).toBe(boost);
    expect(after(`seller:${seller.id}:payable`)).toBe(0);
    expect((await ordersOf(show.id)).find((o) => o.id === firstOrder.id)!.seller).toBe(unboosted.sellerShareMinor - firstOrder.total);
  });
});
