import { enqueue, execute, jobIds, JOBS, queryRows, type TDb, type TLogger, withTransaction } from '@showcart/common';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { releaseClaimUnits, releaseOfferUnit } from '../catalog/stock.ts';
import { offerReleasedUnit } from './offers-after-show.ts';
import { tellWaitlistOffer } from '../notifications/tell.ts';

/**
 * At an unpaid order's deadline: the order is canceled, its claims released, and each
 * unit offered to the next buyer who waited for it (or left in its seller's closet). A
 * first-sale boost it held goes back to its seller, who still has made no sale, for the next order;
 * an offer to likers it used goes back to its liker, to use while it lasts.
 * A paid order, or one whose deadline moved, is left alone. Returns the new offers' ids.
 */
export const releaseOrder = async (
  deps: { db: TDb; logger: TLogger; offerMs: number },
  orderId: string,
): Promise<string[]> =>
  withTransaction(deps.db, async (tx) => {
    const rows = await queryRows(tx, z.object({ buyerId: z.string() }),
      `update orders set status = 'canceled', released_at = now()
        where id = $1 and status in ('payment_failed', 'action_required') and pay_by <= now()
        returning buyer_id as "buyerId"`,
      [orderId],
    );
    const order = rows[0];
    if (!order) return [];
    await execute(tx, 'delete from first_sale_boosts where order_id = $1', [orderId]);
    await execute(tx, 'delete from liker_offer_uses where order_id = $1', [orderId]);
    const claims = await queryRows(tx, z.object({ id: z.string() }),
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
    const rows = await queryRows(tx, z.object({ releasedClaimId: z.string(), userId: z.string() }),
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

/** Each new offer expires on time (its job waits until then), and its buyer is told. */
const scheduleExpiry = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, offerIds: (string | null)[], offerMs: number) => {
  for (const offerId of offerIds) {
    if (!offerId) continue;
    await enqueue(deps.queue, JOBS.expireOffer.name, { offerId }, jobIds.expireOffer(offerId), { delay: offerMs });
    await tellWaitlistOffer(deps, offerId);
  }
};

/** An unpaid order's deadline passed: it is released (releaseOrder) and the offers it made expire on time. */
export const releaseUnpaidOrder = async (deps: Pick<TDomainDeps, 'db' | 'logger' | 'queue' | 'config'>, orderId: string) => {
  const offerMs = deps.config.paymentDeadlineMs;
  const offers = await releaseOrder({ ...deps, offerMs }, orderId);
  await scheduleExpiry(deps, offers, offerMs);
  return { offers };
};

/** An offer's time is up: it expires (expireOffer), and the next one, if any, expires on time. */
export const expireWaitlistOffer = async (deps: Pick<TDomainDeps, 'db' | 'logger' | 'queue' | 'config'>, offerId: string) => {
  const offerMs = deps.config.paymentDeadlineMs;
  const next = await expireOffer({ ...deps, offerMs }, offerId);
  await scheduleExpiry(deps, [next], offerMs);
  return { next };
};
