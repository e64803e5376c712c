import { queryRows, type TQueryable } from '@showcart/common';
import { ZListing, ZSeller, type TListing, type TSeller } from '@showcart/shared';

/** A seller's listings with their variants (in the closet, and free of every hold), newest first. */
export const listListings = async (db: TQueryable, sellerId: string): Promise<TListing[]> =>
  queryRows(db, ZListing,
    `select l.id, l.title, l.photo_url as "photoUrl", l.price_minor as "priceMinor", l.currency,
            l.seller_id as "sellerId", u.display_name as "sellerName",
            coalesce(json_agg(json_build_object('id', v.id, 'label', v.label, 'quantity', v.quantity, 'free', v.quantity - v.reserved)
                              order by v.label) filter (where v.id is not null), '[]') as variants
       from listings l join users u on u.id = l.seller_id
       left join listing_variants v on v.listing_id = l.id
      where l.seller_id = $1 and l.deleted_at is null
      group by l.id, u.display_name
      order by l.created_at desc`,
    [sellerId],
  );

/** Sellers with listings, other than the one asking: whom a host can ask for items. */
export const listSellers = async (db: TQueryable, exceptUserId: string): Promise<TSeller[]> =>
  queryRows(db, ZSeller,
    `select u.id, u.display_name as "displayName", count(l.id)::int as "listingCount"
       from users u join listings l on l.seller_id = u.id and l.deleted_at is null
      where u.id <> $1 group by u.id order by u.display_name limit 200`,
    [exceptUserId],
  );
