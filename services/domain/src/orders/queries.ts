import { queryRow, queryRows, type TQueryable } from '@showcart/common';
import { AppError, ZOrder, ZSale, type TOrder, type TSale, type TShowSales } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { ADDED_ITEMS_SQL, ADDED_SALE_ITEMS_SQL, BOX_ORDER_COLUMNS_SQL, BOX_SALE_COLUMNS_SQL } from '../fulfilment/box-columns.ts';

const ORDER_SELECT = `select o.id, o.show_id as "showId", s.title as "showTitle", u.display_name as "sellerName",
        o.currency, o.items_minor as "itemsMinor", o.shipping_minor as "shippingMinor",
        o.discount_minor as "discountMinor", o.boost_minor as "boostMinor",
        o.shipping_discount_minor as "shippingDiscountMinor", o.total_minor as "totalMinor", o.status, o.origin,
        o.failure_code as "failureCode", o.pay_by as "payBy", o.refunded_minor as "refundedMinor",
        o.created_at as "createdAt", o.paid_at as "paidAt", o.shipping_address as "shippingAddress",
        ${BOX_ORDER_COLUMNS_SQL},
        coalesce((select json_agg(json_build_object('claimId', c.id, 'title', l.title,
                  'variantLabel', v.label, 'priceMinor', oi.price_minor) order by c.position)
           from order_items oi join claims c on c.id = oi.claim_id
           join listing_variants v on v.id = c.variant_id
           join listings l on l.id = v.listing_id
          where oi.order_id = o.id), ${ADDED_ITEMS_SQL}) as items
   from orders o left join shows s on s.id = o.show_id join users u on u.id = o.seller_id`;

const ZOrderRow = ZOrder.extend({ createdAt: z.date(), paidAt: z.date().nullable(), payBy: z.date().nullable() });

const toOrder = (o: z.infer<typeof ZOrderRow>): TOrder => ({
  ...o,
  createdAt: o.createdAt.toISOString(),
  paidAt: o.paidAt?.toISOString() ?? null,
  payBy: o.payBy?.toISOString() ?? null,
});

/** One of the buyer's orders, with its items; NOT_FOUND for anyone else's. */
export const buyersOrder = async (db: TQueryable, orderId: string, buyerId: string): Promise<TOrder> => {
  const row = await queryRow(db, ZOrderRow, `${ORDER_SELECT} where o.id = $1 and o.buyer_id = $2`, [orderId, buyerId]);
  if (!row) throw new AppError('NOT_FOUND', 'No such order.');
  return toOrder(row);
};

/** The buyer's orders, newest first, with their items. */
export const listOrders = async (deps: Pick<TDomainDeps, 'db'>, buyerId: string): Promise<TOrder[]> =>
  (await queryRows(deps.db, ZOrderRow, `${ORDER_SELECT} where o.buyer_id = $1 order by o.created_at desc limit 200`, [buyerId])).map(toOrder);

/** The seller's sales, per order, with what it is paid and whether the payout went. */
export const listSales = async (deps: Pick<TDomainDeps, 'db'>, sellerId: string): Promise<TSale[]> =>
  queryRows(deps.db, ZSale,
    `select o.id as "orderId", o.show_id as "showId", s.title as "showTitle", b.display_name as "buyerName",
            o.currency, o.status, o.total_minor as "totalMinor", o.seller_share_minor as "sellerShareMinor",
            o.refunded_minor as "refundedMinor", o.shipping_address as "shippingAddress", ${BOX_SALE_COLUMNS_SQL},
            coalesce((select json_agg(json_build_object('title', l.title, 'variantLabel', v.label, 'priceMinor', oi.price_minor))
               from order_items oi join claims c on c.id = oi.claim_id
               join listing_variants v on v.id = c.variant_id join listings l on l.id = v.listing_id
              where oi.order_id = o.id), ${ADDED_SALE_ITEMS_SQL}) as items,
            (select json_build_object('amountMinor', t.amount_minor, 'status', t.status)
               from transfers t where t.order_id = o.id and t.kind = 'seller') as transfer
       from orders o left join shows s on s.id = o.show_id join users b on b.id = o.buyer_id
      where o.seller_id = $1
      order by o.created_at desc limit 500`,
    [sellerId],
  );

/** The host's view of what a show sold: items, revenue by status, commission earned and paid out. */
export const showSales = async (deps: Pick<TDomainDeps, 'db'>, p: { showId: string; hostId: string }): Promise<TShowSales> => {
  const show = await queryRow(deps.db, z.object({ hostId: z.string() }), 'select host_id as "hostId" from shows where id = $1', [p.showId]);
  if (!show) throw new AppError('NOT_FOUND', 'No such show.');
  if (show.hostId !== p.hostId) throw new AppError('FORBIDDEN', 'Only the host sees the show’s sales.');
  const rows = await queryRows(deps.db,
    z.object({ status: ZOrder.shape.status, n: z.number(), currency: ZOrder.shape.currency, totalMinor: z.number(), commissionMinor: z.number(), items: z.number() }),
    `select o.status, count(*)::int as n, min(o.currency) as currency, sum(o.total_minor)::int as "totalMinor",
            sum(o.commission_minor)::int as "commissionMinor",
            sum((select count(*) from order_items oi where oi.order_id = o.id))::int as items
       from orders o where o.show_id = $1 and o.origin <> 'ship_together' group by o.status`,
    [p.showId],
  );
  const paidOut = await queryRow(deps.db, z.object({ minor: z.number() }),
    `select coalesce(sum(t.amount_minor), 0)::int as minor from transfers t join orders o on o.id = t.order_id
      where o.show_id = $1 and t.kind = 'commission' and t.status = 'sent'`,
    [p.showId],
  );
  const paid = rows.find((r) => r.status === 'paid');
  return {
    showId: p.showId,
    itemsSold: paid?.items ?? 0,
    ordersByStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
    currency: rows[0]?.currency ?? null,
    revenueMinor: paid?.totalMinor ?? 0,
    commissionMinor: paid?.commissionMinor ?? 0,
    commissionPaidMinor: paidOut?.minor ?? 0,
  };
};
