import { enqueue, jobIds, JOBS, queryRow, type TQueryable, withTransaction } from '@showcart/common';
import { AppError, type TOrder } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { assertReadyToBuy } from '../accounts/addresses.ts';
import { holdClaimUnit, lockFreeUnits } from '../catalog/stock.ts';
import { insertClaimAfterShow, insertClosetClaim } from './insert-claim.ts';
import { insertOrder } from './insert-order.ts';
import { buyersOrder } from './queries.ts';

export type TBuyer = { id: string; hasPaymentMethod: boolean; hasShippingAddress: boolean };

/** One unit for sale outside a live show, as the channel selling it decided it (price, shipping, where from). */
export type TUnitSale = {
  variantId: string;
  sellerId: string;
  currency: string;
  priceMinor: number;
  shippingMinor: number;
  /** The seller's discount on its shipping (an offer to likers). */
  shippingDiscountMinor?: number;
  /** The show and entry of a replay purchase; null from the closet, which has neither show nor host. */
  from: { showId: string; entryId: string; hostId: string; commissionBps: number } | null;
  /** SOLD_OUT's message when no unit is free. */
  soldOut: string;
  /** Runs in the purchase's transaction once its order is made (an offer marked used). */
  afterOrder?: (tx: TQueryable, made: { orderId: string; claimId: string }) => Promise<void>;
};

/**
 * Buys one unit as an order of its own, charged at once by the settlement workers: a
 * purchase from a replay or from the closet. The attempt id is the claim's id, so a retry
 * is the same purchase; `sale` reads and checks what is bought inside the transaction;
 * the unit comes from the closet's free stock under the variant's row lock, so two buyers
 * of the last unit, or a live show raising the same item, get one winner.
 */
export const buyOneUnit = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'config'>,
  p: { attemptId: string; buyer: TBuyer },
  sale: (tx: TQueryable) => Promise<TUnitSale>,
): Promise<{ order: TOrder }> => {
  const { db, config } = deps;
  const orderId = await withTransaction(db, async (tx) => {
    const again = await queryRow(tx, z.object({ orderId: z.string().nullable(), buyerId: z.string() }),
      'select oi.order_id as "orderId", c.buyer_id as "buyerId" from claims c left join order_items oi on oi.claim_id = c.id where c.id = $1',
      [p.attemptId],
    );
    if (again) {
      if (again.buyerId !== p.buyer.id || !again.orderId) throw new AppError('CONFLICT', 'Use a new attempt id.');
      return again.orderId;
    }
    const unit = await sale(tx);
    if (unit.sellerId === p.buyer.id) throw new AppError('FORBIDDEN', 'You cannot buy your own item.');
    await assertReadyToBuy(tx, p.buyer);
    // The variant's row lock first: buyers of the same item take their places one by one.
    if (((await lockFreeUnits(tx, unit.variantId)) ?? 0) < 1) throw new AppError('SOLD_OUT', unit.soldOut);
    const claim = { claimId: p.attemptId, buyerId: p.buyer.id, priceMinor: unit.priceMinor };
    if (unit.from) await insertClaimAfterShow(tx, { ...claim, showId: unit.from.showId, entryId: unit.from.entryId });
    else await insertClosetClaim(tx, { ...claim, variantId: unit.variantId });
    await holdClaimUnit(tx, p.attemptId);
    const made = await insertOrder(tx, {
      showId: unit.from?.showId ?? null, buyerId: p.buyer.id, sellerId: unit.sellerId, hostId: unit.from?.hostId ?? null,
      currency: unit.currency, origin: unit.from ? 'replay' : 'closet',
      claims: [{ id: p.attemptId, priceMinor: unit.priceMinor, commissionBps: unit.from?.commissionBps ?? 0 }],
      shippingMinor: unit.shippingMinor, shippingDiscountMinor: unit.shippingDiscountMinor,
      platformFeeBps: config.platformFeeBps, firstSaleDiscountMaxMinor: config.firstSaleDiscountMaxMinor,
    });
    if (made) await unit.afterOrder?.(tx, { orderId: made, claimId: p.attemptId });
    return made;
  });
  if (!orderId) throw new AppError('CONFLICT', 'That purchase could not be made; try again.');
  await enqueue(deps.queue, JOBS.chargeOrder.name, { orderId }, jobIds.chargeOrder(orderId));
  return { order: await buyersOrder(db, orderId, p.buyer.id) };
};
