import type { TOrder } from '@showcart/shared';
import { Router } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';

export const orderRoutes = ({ db }: TApiDeps) => {
  const router = Router();

  /** The signed-in buyer's orders, newest first, with their items. */
  router.get('/', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<Omit<TOrder, 'createdAt' | 'paidAt'> & { createdAt: Date; paidAt: Date | null }>(
      `select o.id, o.show_id as "showId", s.title as "showTitle", u.display_name as "sellerName",
              o.currency, o.items_minor as "itemsMinor", o.shipping_minor as "shippingMinor",
              o.discount_minor as "discountMinor", o.total_minor as "totalMinor", o.status,
              o.created_at as "createdAt", o.paid_at as "paidAt",
              (select json_agg(json_build_object('claimId', c.id, 'title', l.title,
                        'variantLabel', v.label, 'priceMinor', oi.price_minor) order by c.seq)
                 from order_items oi join claims c on c.id = oi.claim_id
                 join show_entries e on e.id = c.entry_id
                 join listing_variants v on v.id = e.variant_id
                 join listings l on l.id = v.listing_id
                where oi.order_id = o.id) as items
         from orders o join shows s on s.id = o.show_id join users u on u.id = o.seller_id
        where o.buyer_id = $1
        order by o.created_at desc
        limit 200`,
      [user.id],
    );
    res.json({
      orders: rows.map((o) => ({
        ...o,
        createdAt: o.createdAt.toISOString(),
        paidAt: o.paidAt?.toISOString() ?? null,
      })),
    });
  });

  return router;
};
