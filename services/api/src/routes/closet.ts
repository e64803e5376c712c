import type { TListing } from '@showcart/shared';
import { Router } from 'express';
import { currentUser } from '../auth.ts';
import type { TApiDeps } from '../deps.ts';

export const closetRoutes = ({ db }: TApiDeps) => {
  const router = Router();

  router.get('/mine', async (_req, res) => {
    const user = currentUser(res);
    const { rows } = await db.query<TListing>(
      `select l.id, l.title, l.photo_url as "photoUrl", l.price_minor as "priceMinor", l.currency,
              l.seller_id as "sellerId", u.display_name as "sellerName",
              coalesce(json_agg(json_build_object('id', v.id, 'label', v.label, 'quantity', v.quantity)
                                order by v.label) filter (where v.id is not null), '[]') as variants
         from listings l join users u on u.id = l.seller_id
         left join listing_variants v on v.listing_id = l.id
        where l.seller_id = $1 and l.deleted_at is null
        group by l.id, u.display_name
        order by l.created_at desc`,
      [user.id],
    );
    res.json({ listings: rows });
  });

  return router;
};
