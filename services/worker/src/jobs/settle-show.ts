import { setShowStatus, withTransaction, type TDb, type Redis } from '@showcart/common';
import { UnrecoverableError } from 'bullmq';
import { persistShowLog } from './persist-log.ts';

/**
 * Turns an ended show's claims into orders: one per (buyer, seller) bundle with one
 * shipping fee. Returns the ids of orders still waiting for their charge. Idempotent: a
 * bundle's order is unique per show, buyer and seller, and a claim is in one order only.
 */
export const settleShow = async (
  deps: { db: TDb; redis: Redis; defaultShippingMinor: number },
  showId: string,
): Promise<string[]> => {
  const { db } = deps;
  const { rows: shows } = await db.query<{ status: string }>('select status from shows where id = $1', [showId]);
  const status = shows[0]?.status;
  if (!status) throw new UnrecoverableError(`show ${showId} does not exist`);
  if (status === 'scheduled' || status === 'live') {
    throw new UnrecoverableError(`show ${showId} is ${status}; only an ended show is settled`);
  }

  await persistShowLog(db, deps.redis, showId);

  await withTransaction(db, async (tx) => {
    // Serialises concurrent settlements of the same show.
    await tx.query('select id from shows where id = $1 for update', [showId]);
    const { rows: bundles } = await tx.query<{
      buyerId: string; sellerId: string; currency: string; itemsMinor: number; shippingMinor: number;
    }>(
      `select c.buyer_id as "buyerId", e.seller_id as "sellerId", min(l.currency) as currency,
              sum(c.price_minor)::int as "itemsMinor",
              coalesce(min(u.shipping_fee_minor), $2)::int as "shippingMinor"
         from claims c
         join show_entries e on e.id = c.entry_id
         join listing_variants v on v.id = e.variant_id
         join listings l on l.id = v.listing_id
         join users u on u.id = e.seller_id
        where c.show_id = $1 and c.status = 'won'
          and not exists (select 1 from order_items oi where oi.claim_id = c.id)
        group by c.buyer_id, e.seller_id`,
      [showId, deps.defaultShippingMinor],
    );
    for (const b of bundles) {
      const { rows } = await tx.query<{ id: string }>(
        `insert into orders (show_id, buyer_id, seller_id, currency, items_minor, shipping_minor, total_minor)
         values ($1, $2, $3, $4, $5::int, $6::int, $5::int + $6::int)
         on conflict (show_id, buyer_id, seller_id) do nothing
         returning id`,
        [showId, b.buyerId, b.sellerId, b.currency, b.itemsMinor, b.shippingMinor],
      );
      const orderId = rows[0]?.id;
      if (!orderId) continue;
      await tx.query(
        `insert into order_items (order_id, claim_id, price_minor)
         select $1, c.id, c.price_minor
           from claims c join show_entries e on e.id = c.entry_id
          where c.show_id = $2 and c.buyer_id = $3 and e.seller_id = $4 and c.status = 'won'`,
        [orderId, showId, b.buyerId, b.sellerId],
      );
    }
  });
  await setShowStatus(db, showId, ['ended'], 'settled');

  const { rows: pending } = await db.query<{ id: string }>(
    `select id from orders where show_id = $1 and status = 'pending' order by created_at`,
    [showId],
  );
  return pending.map((row) => row.id);
};
