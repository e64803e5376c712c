import { randomUUID } from 'node:crypto';
import { AppError } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';
import { holdOfferUnit, releaseShowStock } from './catalog/stock.ts';
import { requestRefund } from './payouts/request-refund.ts';
import { replayAvailability } from './replays/replays.ts';
import { acceptOffer } from './waitlist/offers.ts';

/**
 * Rules that were reachable only over HTTP before the domain layer, called as the
 * transports call them: refund limits, what a replay can still sell, taking up an offer.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack({ worker: true, env: { PLATFORM_FEE_BPS: '500' } });
});
afterAll(async () => stack?.close());

const deps = () => ({ db: stack.db, queue: stack.settlementQueue, config: stack.config });
const codeOf = (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error));
const jobIdsOf = async (name: string) => (await stack.settlementQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => j.name === name).map((j) => j.id);

/** A show of one item, sold to `buyer` and paid (stripe-mock pays). */
const paidOrder = async (priceMinor: number) => {
  const seller = await stack.createUser({ shippingMinor: 500 });
  const buyer = await stack.createUser({ withCard: true });
  const { variantIds } = await stack.createListing(seller.id, { priceMinor, variants: [['M', 1]] });
  await stack.runShow({ host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: buyer.cookie, entry: 0 }] });
  const order = await until('the order paid', async () =>
    (await stack.db.query<{ id: string; total: number }>(`select id, total_minor as total from orders where buyer_id = $1 and status = 'paid'`, [buyer.id])).rows[0]);
  return { seller, buyer, order, variantId: variantIds[0]! };
};

describe('refund limits', () => {
  it('gives back at most what is left of a paid order, only to its seller, the same refund for a retry', async () => {
    const { seller, buyer, order } = await paidOrder(4_000);
    expect(order.total).toBe(4_500);
    const refund = (sellerId: string, amountMinor: number, attemptId: string = randomUUID()) =>
      requestRefund(deps(), { orderId: order.id, sellerId, refund: { attemptId, amountMinor, reason: 'scuffed' } });

    expect(await refund(buyer.id, 100).catch(codeOf)).toBe('NOT_FOUND');
    expect(await refund(seller.id, 4_501).catch(codeOf)).toBe('CONFLICT');
    const first = await refund(seller.id, 3_000);
    expect(first).toMatchObject({ orderId: order.id, amountMinor: 3_000, status: 'pending' });
    // The same attempt again is the same refund; the same attempt for another amount is refused.
    expect(await refund(seller.id, 3_000, first.id)).toEqual(first);
    expect(await refund(seller.id, 2_000, first.id).catch(codeOf)).toBe('CONFLICT');
    // 1,500 is left, not 4,500.
    expect(await refund(seller.id, 1_501).catch(codeOf)).toBe('CONFLICT');
    expect(await refund(seller.id, 1_500)).toMatchObject({ amountMinor: 1_500 });
    expect(await refund(seller.id, 1).catch(codeOf)).toBe('CONFLICT');
    // Each refund is queued for the worker once.
    expect((await jobIdsOf('refund-order')).filter((id) => id?.startsWith(`refund-order-${first.id}`))).toHaveLength(1);
  });
});

describe('what a replay can still sell', () => {
  it('is what no show, order or offer holds, and nothing of a deleted listing', async () => {
    const seller = await stack.createUser();
    const { listingId, variantIds } = await stack.createListing(seller.id, { variants: [['M', 5]] });
    const variantId = variantIds[0]!;
    const replayShow = await stack.createShow(seller.cookie, [{ variantId, quantity: 2 }]);
    const entryId = replayShow.entries[0]!.entryId;
    // While the show runs its entry holds 2 of 5.
    expect((await replayAvailability(stack.db, [entryId])).get(entryId)).toBe(3);
    await stack.db.query(`update shows set status = 'settled', started_at = now(), ended_at = now() where id = $1`, [replayShow.id]);
    await releaseShowStock(stack.db, replayShow.id);
    expect((await replayAvailability(stack.db, [entryId])).get(entryId)).toBe(5);
    // Another show takes 4.
    await stack.createShow(seller.cookie, [{ variantId, quantity: 4 }]);
    expect((await replayAvailability(stack.db, [entryId])).get(entryId)).toBe(1);
    await stack.db.query('update listings set deleted_at = now() where id = $1', [listingId]);
    expect((await replayAvailability(stack.db, [entryId])).has(entryId)).toBe(false);
  });
});

describe('taking up an offer', () => {
  /** An open offer of one unit to `buyer`, as release-order leaves one: the unit held by the offer. */
  const openOffer = async (p: { expiresInMs: number }) => {
    const seller = await stack.createUser();
    const first = await stack.createUser({ withCard: true });
    const buyer = await stack.createUser({ withCard: true });
    // Two units: the first buyer's, and the one a canceled order would have freed.
    const { variantIds } = await stack.createListing(seller.id, { priceMinor: 2_000, variants: [['M', 2]] });
    const { show, entryIds } = await stack.runShow({
      host: seller, entries: [{ variantId: variantIds[0]! }], claims: [{ cookie: first.cookie, entry: 0 }],
    });
    await until('the show settled', async () => (await stack.db.query(`select 1 from shows where id = $1 and status = 'settled'`, [show.id])).rows[0]);
    const { rows } = await stack.db.query<{ id: string }>('select id from claims where entry_id = $1', [entryIds[0]]);
    const offerId = randomUUID();
    await stack.db.query(
      `insert into waitlist_offers (id, show_id, entry_id, user_id, released_claim_id, price_minor, expires_at)
       values ($1, $2, $3, $4, $5, 2000, now() + $6 * interval '1 millisecond')`,
      [offerId, show.id, entryIds[0], buyer.id, rows[0]!.id, p.expiresInMs],
    );
    await holdOfferUnit(stack.db, offerId);
    return { offerId, buyer, first, variantId: variantIds[0]! };
  };

  it('makes the unit the buyer\'s claim and an order charged at once; only once, only by that buyer, only in time', async () => {
    const { offerId, buyer, first, variantId } = await openOffer({ expiresInMs: 60_000 });
    const buyerOf = (id: string) => ({ id, hasPaymentMethod: true, hasShippingAddress: true });
    expect(await acceptOffer(deps(), { offerId, buyer: buyerOf(first.id) }).catch(codeOf)).toBe('NOT_FOUND');
    // A session that says "no card" or "no address" is looked up again: the database is the truth.
    const noCard = await stack.createUser();
    expect(await acceptOffer(deps(), { offerId, buyer: { id: noCard.id, hasPaymentMethod: false, hasShippingAddress: true } }).catch(codeOf))
      .toBe('NO_PAYMENT_METHOD');
    const noAddress = await stack.createUser({ withCard: true, withAddress: false });
    expect(await acceptOffer(deps(), { offerId, buyer: { id: noAddress.id, hasPaymentMethod: true, hasShippingAddress: false } }).catch(codeOf))
      .toBe('NO_ADDRESS');
    const { order } = await acceptOffer(deps(), { offerId, buyer: buyerOf(buyer.id) });
    expect(order).toMatchObject({ origin: 'waitlist', itemsMinor: 2_000, status: 'pending' });
    expect(await jobIdsOf('charge-order')).toContain(`charge-order-${order.id}`);
    expect(await acceptOffer(deps(), { offerId, buyer: buyerOf(buyer.id) }).catch(codeOf)).toBe('CONFLICT');

    // The offer's unit became the claim's: the closet has none free, one held by the new
    // order, or sold once the stack's worker has charged it (read together, in one snapshot).
    const { rows: [stock] } = await stack.db.query<{ quantity: number; reserved: number; status: string }>(
      'select v.quantity, v.reserved, o.status from listing_variants v, orders o where v.id = $1 and o.id = $2', [variantId, order.id]);
    expect(stock).toEqual(stock!.status === 'paid' ? { quantity: 0, reserved: 0, status: 'paid' } : { quantity: 1, reserved: 1, status: 'pending' });

    const late = await openOffer({ expiresInMs: -1 });
    expect(await acceptOffer(deps(), { offerId: late.offerId, buyer: buyerOf(late.buyer.id) }).catch(codeOf)).toBe('CONFLICT');
  });
});
