import { execute, JOB_OPTIONS, jobIds, JOBS, queryRows, type Redis, SETTLEMENT_QUEUE, type TDb, type TLogger, withTransaction } from '@showcart/common';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { releaseShowStock } from '../catalog/stock.ts';
import { insertOrder, shippingFor } from '../orders/insert-order.ts';
import { offersOfShowClaims, useOffer } from '../liker-offers/use-offer.ts';
import { setShowStatus, settleIfFinal } from './repo.ts';
import { UnrecoverableError } from 'bullmq';
import { persistShowLog } from './persist-log.ts';

export type TSettlementRules = { defaultShippingMinor: number; shippingCapMinor: number; platformFeeBps: number; firstSaleDiscountMaxMinor: number };

/**
 * Turns an ended show's claims into orders: one per (buyer, seller) bundle with one
 * shipping fee, and the split of its money. A liker's claim of a listing it has an offer
 * for costs the offer's price when lower, and the offer's shipping discount (the largest
 * of the bundle's, once) comes off the bundle's fee; the offer is used by that order. Returns the ids of the show's orders still
 * waiting for their charge. Idempotent: a bundle's order is unique per show, buyer and
 * seller, and a claim is in one order only.
 */
export const settleShow = async (
  deps: { db: TDb; redis: Redis; logger: TLogger; rules: TSettlementRules },
  showId: string,
): Promise<string[]> => {
  const { db, logger } = deps;
  const shows = await queryRows(db, z.object({ status: z.string(), hostId: z.string() }),
    'select status, host_id as "hostId" from shows where id = $1',
    [showId],
  );
  const show = shows[0];
  if (!show) throw new UnrecoverableError(`show ${showId} does not exist`);
  if (show.status === 'scheduled' || show.status === 'live') {
    throw new UnrecoverableError(`show ${showId} is ${show.status}; only an ended show is settled`);
  }

  await persistShowLog(db, deps.redis, showId);

  await withTransaction(db, async (tx) => {
    // Serialises concurrent settlements of the same show.
    await execute(tx, 'select id from shows where id = $1 for update', [showId]);
    // An item whose listing was deleted after it was claimed cannot be sold: its claims
    // are released, never charged, and said so in the log for the seller to see.
    const orphaned = await queryRows(tx, z.object({ id: z.string() }),
      `update claims c set status = 'released'
         from show_entries e, listing_variants v, listings l
        where c.show_id = $1 and c.status = 'won' and e.id = c.entry_id and v.id = e.variant_id
          and l.id = v.listing_id and l.deleted_at is not null
          and not exists (select 1 from order_items oi where oi.claim_id = c.id)
        returning c.id`,
      [showId],
    );
    if (orphaned.length > 0) {
      logger.warn({ showId, claims: orphaned.map((c) => c.id) }, 'claims on deleted listings released, not charged');
    }

    const claims = await queryRows(tx, z.object({
      id: z.string(), buyerId: z.string(), sellerId: z.string(), currency: z.string(), priceMinor: z.number(),
      commissionBps: z.number(), sellerRateMinor: z.number().nullable(),
    }),
      `select c.id, c.buyer_id as "buyerId", e.seller_id as "sellerId", l.currency,
              c.price_minor as "priceMinor", e.commission_bps as "commissionBps",
              u.shipping_fee_minor as "sellerRateMinor"
         from claims c
         join show_entries e on e.id = c.entry_id
         join listing_variants v on v.id = e.variant_id
         join listings l on l.id = v.listing_id
         join users u on u.id = e.seller_id
        where c.show_id = $1 and c.status = 'won'
          and not exists (select 1 from order_items oi where oi.claim_id = c.id)
        order by c.seq`,
      [showId],
    );
    const offers = await offersOfShowClaims(tx, showId);
    const bundles = new Map<string, typeof claims>();
    for (const c of claims) {
      const key = `${c.buyerId}|${c.sellerId}`;
      bundles.set(key, [...(bundles.get(key) ?? []), c]);
    }
    for (const bundle of bundles.values()) {
      const first = bundle[0]!;
      if (bundle.some((c) => c.currency !== first.currency)) {
        throw new UnrecoverableError(`show ${showId}: a bundle of seller ${first.sellerId} mixes currencies; nothing charged`);
      }
      const shippingMinor = shippingFor(first.sellerRateMinor, deps.rules);
      const offered = bundle.flatMap((c) => {
        const offer = offers.get(c.id);
        return offer ? [{ claimId: c.id, ...offer }] : [];
      });
      const orderId = await insertOrder(tx, {
        showId,
        buyerId: first.buyerId,
        sellerId: first.sellerId,
        hostId: show.hostId,
        currency: first.currency,
        origin: 'show',
        claims: bundle.map((c) => ({ ...c, priceMinor: Math.min(c.priceMinor, offers.get(c.id)?.priceMinor ?? c.priceMinor) })),
        shippingMinor,
        shippingDiscountMinor: Math.min(shippingMinor, Math.max(0, ...offered.map((o) => o.shippingDiscountMinor))),
        platformFeeBps: deps.rules.platformFeeBps,
        firstSaleDiscountMaxMinor: deps.rules.firstSaleDiscountMaxMinor,
      });
      if (orderId) for (const o of offered) await useOffer(tx, { offerId: o.offerId, orderId, claimId: o.claimId });
    }
    // The show's entries let go of their units: what it sold is held by its orders' claims
    // until paid, and the rest is free in the closets again.
    await releaseShowStock(tx, showId);
  });
  // Orders made, charges to come: settling until every order is final (finishSettlement).
  await setShowStatus(db, showId, ['ended'], 'settling');

  const pending = await queryRows(db, z.object({ id: z.string() }),
    `select id from orders where show_id = $1 and origin = 'show' and status = 'pending' order by created_at`,
    [showId],
  );
  return pending.map((row) => row.id);
};

/**
 * Settles an ended show: its orders (settleShow), then its flow: a charge job per order
 * waiting for one, and a parent that runs once every child is done. Adding the flow
 * again changes nothing (every job id is made of our ids).
 */
export const settleEndedShow = async (deps: Pick<TDomainDeps, 'db' | 'redis' | 'logger' | 'config' | 'flows'>, showId: string) => {
  const { config } = deps;
  const rules = {
    defaultShippingMinor: config.defaultShippingMinor, shippingCapMinor: config.shippingCapMinor, platformFeeBps: config.platformFeeBps,
    firstSaleDiscountMaxMinor: config.firstSaleDiscountMaxMinor,
  };
  const pending = await settleShow({ ...deps, rules }, showId);
  await deps.flows.add({
    name: JOBS.finishSettlement.name,
    queueName: SETTLEMENT_QUEUE,
    data: { showId },
    opts: { ...JOB_OPTIONS, jobId: jobIds.finishSettlement(showId) },
    children: pending.map((orderId) => ({
      name: JOBS.chargeOrder.name,
      queueName: SETTLEMENT_QUEUE,
      data: { orderId },
      opts: { ...JOB_OPTIONS, jobId: jobIds.chargeOrder(orderId), ignoreDependencyOnFailure: true },
    })),
  });
  return { orders: pending.length };
};

/**
 * The flow's parent, once every charge job of the show is done: the show is settled if
 * every order is final. An order still pending here is one whose charge failed for good
 * (an operator retries it) or that Stripe is still processing (its webhook settles the
 * show); the show reads settling meanwhile, which is true.
 */
export const finishSettlement = async (deps: Pick<TDomainDeps, 'db' | 'logger'>, showId: string) => {
  const settled = await settleIfFinal(deps.db, showId);
  const orders = await queryRows(deps.db, z.object({ status: z.string(), n: z.number(), totalMinor: z.number() }),
    `select status, count(*)::int as n, sum(total_minor)::int as "totalMinor" from orders
      where show_id = $1 and origin = 'show' group by status order by status`,
    [showId],
  );
  if (settled || !orders.some((o) => o.status === 'pending')) deps.logger.info({ showId, orders }, 'show settled');
  else deps.logger.error({ showId, orders }, 'show still settling: orders are waiting for their charge');
  return { settled, orders };
};
