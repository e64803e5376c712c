import { execute, queryRow, queryRows, type TQueryable } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { z } from 'zod';

/**
 * Where an offer to likers is honoured: at the closet checkout (offerAtCheckout, then
 * useOffer in the order's transaction) and in a live claim, when its show settles
 * (offersOfShowClaims). Either way the use is a row of `liker_offer_uses`, whose key makes a
 * second use impossible; the offer's row lock orders two uses of it at once, so the second
 * sees the first and is refused.
 */

export type TOfferTerms = { offerId: string; priceMinor: number; shippingDiscountMinor: number };

/**
 * The buyer's offer of this listing, to use now: NOT_FOUND if it is not theirs or not of this
 * listing, OFFER_USED once used, OFFER_EXPIRED past its end by the database's clock. Locks
 * the offer until the caller's transaction ends.
 */
export const offerAtCheckout = async (tx: TQueryable, p: { offerId: string; buyerId: string; listingId: string }): Promise<TOfferTerms> => {
  const mine = await queryRow(tx, z.object({ id: z.string() }),
    'select id from liker_offers where id = $1 and user_id = $2 and listing_id = $3 for update',
    [p.offerId, p.buyerId, p.listingId]);
  if (!mine) throw new AppError('NOT_FOUND', 'That offer is not yours, or not of this listing.');
  const offer = (await queryRow(tx, z.object({ priceMinor: z.number(), shippingDiscountMinor: z.number(), live: z.boolean(), used: z.boolean() }),
    `select s.price_minor as "priceMinor", s.shipping_discount_minor as "shippingDiscountMinor", now() < s.expires_at as live,
            exists (select 1 from liker_offer_uses u where u.offer_id = o.id) as used
       from liker_offers o join liker_offer_sends s on s.id = o.send_id where o.id = $1`,
    [p.offerId]))!;
  if (offer.used) throw new AppError('OFFER_USED');
  if (!offer.live) throw new AppError('OFFER_EXPIRED');
  return { offerId: p.offerId, priceMinor: offer.priceMinor, shippingDiscountMinor: offer.shippingDiscountMinor };
};

/** Marks the offer used by the order and its claim, in the order's transaction; OFFER_USED if a use got there first. */
export const useOffer = async (tx: TQueryable, p: { offerId: string; orderId: string; claimId: string }) => {
  const used = await execute(tx,
    'insert into liker_offer_uses (offer_id, order_id, claim_id) values ($1, $2, $3) on conflict (offer_id) do nothing',
    [p.offerId, p.orderId, p.claimId]);
  if (!used) throw new AppError('OFFER_USED');
};

/**
 * The offers a settling show's won claims honour: a liker's unused offer of the claimed
 * listing, running when the claim was made (the claim's server time, so a claim made in
 * time is honoured however late the settlement runs), for the first such claim of the
 * liker (one unit per offer). Locks the offers, then leaves out those used meanwhile.
 * Keyed by claim id.
 */
export const offersOfShowClaims = async (tx: TQueryable, showId: string): Promise<Map<string, TOfferTerms>> => {
  const candidates = await queryRows(tx, z.object({ claimId: z.string(), offerId: z.string() }),
    `select c.id as "claimId", o.id as "offerId"
       from claims c
       join listing_variants v on v.id = c.variant_id
       join liker_offers o on o.listing_id = v.listing_id and o.user_id = c.buyer_id
       join liker_offer_sends s on s.id = o.send_id
      where c.show_id = $1 and c.status = 'won'
        and not exists (select 1 from order_items oi where oi.claim_id = c.id)
        and s.created_at <= c.claimed_at and c.claimed_at < s.expires_at
      order by c.seq`,
    [showId]);
  if (candidates.length === 0) return new Map();
  const offerIds = [...new Set(candidates.map((c) => c.offerId))];
  await execute(tx, 'select id from liker_offers where id = any($1::uuid[]) order by id for update', [offerIds]);
  const open = await queryRows(tx, z.object({ offerId: z.string(), priceMinor: z.number(), shippingDiscountMinor: z.number() }),
    `select o.id as "offerId", s.price_minor as "priceMinor", s.shipping_discount_minor as "shippingDiscountMinor"
       from liker_offers o join liker_offer_sends s on s.id = o.send_id
      where o.id = any($1::uuid[]) and not exists (select 1 from liker_offer_uses u where u.offer_id = o.id)`,
    [offerIds]);
  const terms = new Map(open.map((o) => [o.offerId, o]));
  const byClaim = new Map<string, TOfferTerms>();
  for (const c of candidates) {
    const offer = terms.get(c.offerId);
    if (!offer) continue;
    // The first claim (by seq) takes the offer; the liker's later claims pay the live price.
    terms.delete(c.offerId);
    byClaim.set(c.claimId, offer);
  }
  return byClaim;
};
