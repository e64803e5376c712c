import { enqueue, JOBS, jobIds, queryRow, queryRows, execute, withTransaction } from '@showcart/common';
import { AppError, ZWaitlistOffer, type TOrder, type TWaitlistOffer } from '@showcart/shared';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assertReadyToBuy } from '../accounts/addresses.ts';
import { holdClaimUnit, releaseOfferUnit } from '../catalog/stock.ts';
import type { TDomainDeps } from '../deps.ts';
import { insertClaimAfterShow } from '../orders/insert-claim.ts';
import { insertOrder, shippingFor } from '../orders/insert-order.ts';
import { buyersOrder } from '../orders/queries.ts';

/** Units offered to the buyer because someone ahead of it did not pay, while their time lasts. */
export const listOffers = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<TWaitlistOffer[]> =>
  (await queryRows(deps.db, ZWaitlistOffer.extend({ expiresAt: z.date() }),
    `select w.id, w.show_id as "showId", s.title as "showTitle", l.title, v.label as "variantLabel",
            w.price_minor as "priceMinor", l.currency, w.expires_at as "expiresAt"
       from waitlist_offers w join shows s on s.id = w.show_id join show_entries e on e.id = w.entry_id
       join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
      where w.user_id = $1 and w.status = 'open' and w.expires_at > now()
      order by w.expires_at`,
    [userId],
  )).map((o) => ({ ...o, expiresAt: o.expiresAt.toISOString() }));

const ZOffer = z.object({
  status: z.string(), expired: z.boolean(), showId: z.string(), entryId: z.string(), priceMinor: z.number(), hostId: z.string(),
  sellerId: z.string(), currency: z.string(), commissionBps: z.number(), sellerRate: z.number().nullable(),
});

/** Takes up an offer: the offered unit becomes the buyer's claim and an order charged at once. */
export const acceptOffer = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'config'>,
  p: { offerId: string; buyer: { id: string; hasPaymentMethod: boolean; hasShippingAddress: boolean } },
): Promise<{ order: TOrder }> => {
  await assertReadyToBuy(deps.db, p.buyer);
  const orderId = await withTransaction(deps.db, async (tx) => {
    const offer = await queryRow(tx, ZOffer,
      `select w.status, w.expires_at <= now() as expired, w.show_id as "showId", w.entry_id as "entryId",
              w.price_minor as "priceMinor", s.host_id as "hostId", e.seller_id as "sellerId", l.currency,
              e.commission_bps as "commissionBps", u.shipping_fee_minor as "sellerRate"
         from waitlist_offers w join shows s on s.id = w.show_id join show_entries e on e.id = w.entry_id
         join listing_variants v on v.id = e.variant_id join listings l on l.id = v.listing_id
         join users u on u.id = e.seller_id
        where w.id = $1 and w.user_id = $2
        for update of w`,
      [p.offerId, p.buyer.id],
    );
    if (!offer) throw new AppError('NOT_FOUND', 'No such offer.');
    if (offer.status !== 'open' || offer.expired) throw new AppError('CONFLICT', 'This offer has ended.');
    const claimId = randomUUID();
    await insertClaimAfterShow(tx, { claimId, showId: offer.showId, entryId: offer.entryId, buyerId: p.buyer.id, priceMinor: offer.priceMinor });
    await execute(tx, `update waitlist_offers set status = 'accepted', claim_id = $2 where id = $1`, [p.offerId, claimId]);
    // The offer's unit becomes the claim's.
    await releaseOfferUnit(tx, p.offerId);
    await holdClaimUnit(tx, claimId);
    return insertOrder(tx, {
      showId: offer.showId, buyerId: p.buyer.id, sellerId: offer.sellerId, hostId: offer.hostId, currency: offer.currency,
      origin: 'waitlist', claims: [{ id: claimId, priceMinor: offer.priceMinor, commissionBps: offer.commissionBps }],
      shippingMinor: shippingFor(offer.sellerRate, deps.config), platformFeeBps: deps.config.platformFeeBps,
      firstSaleDiscountMaxMinor: deps.config.firstSaleDiscountMaxMinor,
    });
  });
  if (!orderId) throw new AppError('CONFLICT', 'This offer has ended.');
  await enqueue(deps.queue, JOBS.chargeOrder.name, { orderId }, jobIds.chargeOrder(orderId));
  return { order: await buyersOrder(deps.db, orderId, p.buyer.id) };
};
