import { withTransaction, type TDb, type TLogger } from '@showcart/common';
import { releaseClaimUnits, releaseOfferUnit } from '../catalog/stock.ts';
import { offerReleasedUnit } from './offers-after-show.ts';

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
    const { rows } = await tx.query<{ buyerId: string }>(
      `update orders set status = 'canceled', released_at = now()
        where id = $1 and status in ('payment_failed', 'action_required') and pay_by <= now()
        returning buyer_id as "buyerId"`,
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
    // Each unit goes from its claim to an offer to the next in line, or back to the closet.
    await releaseClaimUnits(tx, claims.map((c) => c.id));
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
    await releaseOfferUnit(tx, offerId);
    const next = await offerReleasedUnit(tx, {
      releasedClaimId: offer.releasedClaimId, exceptUserId: offer.userId, expiresAt: new Date(Date.now() + deps.offerMs),
    });
    deps.logger.info({ offerId, next }, 'waitlist offer expired');
    return next;
  });
