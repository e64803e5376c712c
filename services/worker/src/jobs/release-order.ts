import { offerReleasedUnit, withTransaction, type TDb, type TLogger } from '@showcart/common';

/**
 * At an unpaid order's deadline: the order is canceled, its claims released, and each
 * unit offered to the next buyer who waited for it (or left in its seller's closet).
 * A paid order, or one whose deadline moved, is left alone. Returns the new offers' ids.
 */
export const releaseOrder = async (
  deps: { db: TDb; logger: TLogger; offerMs: number },
  orderId: string,
): Promise<string[]> =>
  withTransaction(deps.db, async (tx) => {
    const { rows } = await tx.query<{ buyerId: string; origin: string }>(
      `update orders set status = 'canceled', released_at = now()
        where id = $1 and status in ('payment_failed', 'action_required') and pay_by <= now()
        returning buyer_id as "buyerId", origin`,
      [orderId],
    );
    const order = rows[0];
    if (!order) return [];
    const { rows: claims } = await tx.query<{ id: string }>(
      `update claims c set status = 'released' from order_items oi
        where oi.order_id = $1 and c.id = oi.claim_id and c.status = 'won'
        returning c.id`,
      [orderId],
    );
    if (order.origin === 'replay') {
      // A replay's units were held for the buyer; an offer to the next in line is counted
      // as taken on its own (see replayAvailability).
      await tx.query(
        `update listing_variants v set held = greatest(0, v.held - gone.n)
           from (select e.variant_id, count(*)::int as n from claims c join show_entries e on e.id = c.entry_id
                  where c.id = any($1::uuid[]) group by e.variant_id) gone
          where v.id = gone.variant_id`,
        [claims.map((c) => c.id)],
      );
    }
    const offers: string[] = [];
    for (const claim of claims) {
      const offerId = await offerReleasedUnit(tx, {
        releasedClaimId: claim.id, exceptUserId: order.buyerId, expiresAt: new Date(Date.now() + deps.offerMs),
      });
      if (offerId) offers.push(offerId);
      deps.logger.info({ orderId, claimId: claim.id, offerId }, offerId ? 'unpaid unit offered to the waitlist' : 'unpaid unit back in the closet');
    }
    return offers;
  });

/** At an offer's deadline: if still open it expires and the next buyer in line gets one. */
export const expireOffer = async (
  deps: { db: TDb; logger: TLogger; offerMs: number },
  offerId: string,
): Promise<string | null> =>
  withTransaction(deps.db, async (tx) => {
    const { rows } = await tx.query<{ releasedClaimId: string; userId: string }>(
      `update waitlist_offers set status = 'expired'
        where id = $1 and status = 'open' and expires_at <= now()
        returning released_claim_id as "releasedClaimId", user_id as "userId"`,
      [offerId],
    );
    const offer = rows[0];
    if (!offer) return null;
    const next = await offerReleasedUnit(tx, {
      releasedClaimId: offer.releasedClaimId, exceptUserId: offer.userId, expiresAt: new Date(Date.now() + deps.offerMs),
    });
    deps.logger.info({ offerId, next }, 'waitlist offer expired');
    return next;
  });
