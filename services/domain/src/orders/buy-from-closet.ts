import { queryRow } from '@showcart/common';
import { AppError, type TOrder } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { offerAtCheckout, useOffer } from '../liker-offers/use-offer.ts';
import { buyOneUnit, type TBuyer } from './buy-one-unit.ts';
import { shippingFor } from './insert-order.ts';

const ZClosetUnit = z.object({
  sellerId: z.string(), currency: z.string(), priceMinor: z.number(), sellerRate: z.number().nullable(), listed: z.boolean(),
});

/**
 * Buy now from a listing's page: one unit of one of its sizes, at the listing's price, with
 * the seller's closet shipping, as an order of its own charged at once on the saved card
 * (buyOneUnit, as a replay purchase). With `offerId`, the buyer's offer to likers of this
 * listing: its price (when below the listing's) and its shipping discount, and the offer is
 * used by this order in its transaction (OFFER_USED, OFFER_EXPIRED: nothing bought).
 */
export const buyFromCloset = async (
  deps: Pick<TDomainDeps, 'db' | 'queue' | 'config'>,
  p: { listingId: string; variantId: string; attemptId: string; offerId?: string; buyer: TBuyer },
): Promise<{ order: TOrder }> =>
  buyOneUnit(deps, p, async (tx) => {
    const unit = await queryRow(tx, ZClosetUnit,
      `select l.seller_id as "sellerId", l.currency, l.price_minor as "priceMinor", u.shipping_fee_minor as "sellerRate",
              l.unlisted_at is null as listed
         from listing_variants v join listings l on l.id = v.listing_id join users u on u.id = l.seller_id
        where v.id = $1 and l.id = $2 and l.deleted_at is null`,
      [p.variantId, p.listingId],
    );
    if (!unit) throw new AppError('NOT_FOUND', 'No such size of this listing.');
    if (!unit.listed) throw new AppError('LISTING_UNAVAILABLE');
    const offer = p.offerId ? await offerAtCheckout(tx, { offerId: p.offerId, buyerId: p.buyer.id, listingId: p.listingId }) : null;
    const shippingMinor = shippingFor(unit.sellerRate, deps.config);
    return {
      variantId: p.variantId, sellerId: unit.sellerId, currency: unit.currency,
      priceMinor: Math.min(unit.priceMinor, offer?.priceMinor ?? unit.priceMinor),
      shippingMinor, shippingDiscountMinor: Math.min(shippingMinor, offer?.shippingDiscountMinor ?? 0),
      from: null,
      soldOut: 'Sold out: every unit of this size is sold or held by a show.',
      ...(offer ? { afterOrder: (tx, made) => useOffer(tx, { offerId: offer.offerId, ...made }) } : {}),
    };
  });
