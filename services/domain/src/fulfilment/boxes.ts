import { execute, queryRow, type TQueryable } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { z } from 'zod';

/**
 * A box (a shipment, migration 018) is what one seller sends one buyer in one parcel: the
 * order it was packed for pays the shipping fee, and items the buyer adds later (ship
 * together) join it as orders of their own that pay none. Every order may have one; it is
 * made on first use (a suggestion, or marking the order shipped).
 */

const ZBox = z.object({
  id: z.string(), firstOrderId: z.string(), sellerId: z.string(), buyerId: z.string(), shippedAt: z.date().nullable(),
  firstStatus: z.string(), firstClosed: z.boolean(), showId: z.string().nullable(), currency: z.string(),
});
export type TBox = z.infer<typeof ZBox>;

/**
 * The box of an order, made if it has none, with its row locked until the caller's
 * transaction ends (adding to it and shipping it take turns there), and the order it was
 * packed for, shared-locked (a refund of it waits): its status, and whether it was
 * refunded (`firstClosed`). Undefined for an
 * order that does not exist.
 */
export const lockBoxOf = async (tx: TQueryable, orderId: string): Promise<TBox | undefined> => {
  // Two first uses at once: the second waits on the key, then finds the first's box.
  await execute(tx,
    `insert into shipments (order_id, seller_id, buyer_id)
     select id, seller_id, buyer_id from orders where id = $1 and shipment_id is null and origin <> 'ship_together'
     on conflict (order_id) do nothing`,
    [orderId],
  );
  await execute(tx,
    'update orders o set shipment_id = sh.id from shipments sh where o.id = $1 and sh.order_id = o.id and o.shipment_id is null',
    [orderId],
  );
  return queryRow(tx, ZBox,
    `select sh.id, sh.order_id as "firstOrderId", sh.seller_id as "sellerId", sh.buyer_id as "buyerId", sh.shipped_at as "shippedAt",
            f.status as "firstStatus", f.show_id as "showId", f.currency,
            f.refunded_minor > 0 or exists (select 1 from refunds r where r.order_id = f.id) as "firstClosed"
       from orders o join shipments sh on sh.id = o.shipment_id join orders f on f.id = sh.order_id
      where o.id = $1
      for update of sh for share of f`,
    [orderId],
  );
};

/**
 * Refuses a box that nothing more may join: shipped (ORDER_SHIPPED), or packed for an
 * order that was cancelled or refunded (ORDER_CLOSED) or is not paid yet.
 */
export const assertBoxOpen = (box: TBox) => {
  if (box.shippedAt) throw new AppError('ORDER_SHIPPED');
  if (box.firstStatus === 'canceled' || box.firstClosed) throw new AppError('ORDER_CLOSED');
  if (box.firstStatus !== 'paid') throw new AppError('CONFLICT', 'This order is not paid yet: more can join its box once it is.');
};
