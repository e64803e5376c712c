import { queryRow } from '@showcart/common';
import { AppError, ZCurrency, type TListingOffers } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { activeSend, LIKERS_OF } from './send-offer.ts';

const ZMine = z.object({
  id: z.string(), listingId: z.string(), currency: ZCurrency, priceMinor: z.number(), shippingDiscountMinor: z.number(),
  expiresAt: z.date(), usedAt: z.date().nullable(),
});

/**
 * Offers to likers as a listing's page shows them to the person looking: its seller sees
 * how many likers a send would reach and the send running now; anyone else its own offer
 * while it runs (used or not). The listing is NOT_FOUND as on its page: deleted, or
 * unlisted to anyone but its seller.
 */
export const listingOffers = async (deps: Pick<TDomainDeps, 'db'>, p: { listingId: string; viewerId: string }): Promise<TListingOffers> => {
  const listing = await queryRow(deps.db, z.object({ sellerId: z.string(), listed: z.boolean() }),
    'select seller_id as "sellerId", unlisted_at is null as listed from listings where id = $1 and deleted_at is null',
    [p.listingId]);
  if (!listing || (!listing.listed && listing.sellerId !== p.viewerId)) throw new AppError('NOT_FOUND', 'No such listing.');
  if (listing.sellerId === p.viewerId) {
    const likers = await queryRow(deps.db, z.object({ n: z.number() }), `select count(*)::int as n from (${LIKERS_OF}) k`, [p.listingId, p.viewerId]);
    return { mine: null, seller: { likers: likers?.n ?? 0, active: await activeSend(deps.db, p.listingId) } };
  }
  const mine = await queryRow(deps.db, ZMine,
    `select o.id, o.listing_id as "listingId", s.currency, s.price_minor as "priceMinor", s.shipping_discount_minor as "shippingDiscountMinor",
            s.expires_at as "expiresAt", u.used_at as "usedAt"
       from liker_offers o join liker_offer_sends s on s.id = o.send_id left join liker_offer_uses u on u.offer_id = o.id
      where o.user_id = $1 and o.listing_id = $2 and now() < s.expires_at
      order by s.created_at desc limit 1`,
    [p.viewerId, p.listingId]);
  return {
    mine: mine ? { ...mine, expiresAt: mine.expiresAt.toISOString(), usedAt: mine.usedAt?.toISOString() ?? null } : null,
    seller: null,
  };
};
