import { queryRows, type TQueryable } from '@showcart/common';
import { ZListing, ZSeller, type TListing, type TSeller } from '@showcart/shared';

/** The columns of a listing's card (ZListing), over `listings l join users u on u.id = l.seller_id`. */
export const LISTING_CARD_COLUMNS = `l.id, l.title, l.photo_url as "photoUrl", l.price_minor as "priceMinor",
  l.original_price_minor as "originalPriceMinor", l.currency, l.brand, l.category, l.condition,
  case when l.unlisted_at is null then 'listed' else 'unlisted' end as state,
  l.seller_id as "sellerId", u.display_name as "sellerName", u.handle as "sellerHandle",
  u.first_sale_at is null as "newSeller", l.like_count as "likeCount",
  coalesce((select json_agg(json_build_object('id', v.id, 'label', v.label, 'quantity', v.quantity, 'free', v.quantity - v.reserved)
                            order by v.label)
              from listing_variants v where v.listing_id = l.id), '[]') as variants`;

/**
 * A seller's listings with their variants (in the closet, and free of every hold), newest
 * first. Unlisted ones only for the seller's own closet (`includeUnlisted`).
 */
export const listListings = async (db: TQueryable, sellerId: string, p: { includeUnlisted?: boolean } = {}): Promise<TListing[]> =>
  queryRows(db, ZListing,
    `select ${LISTING_CARD_COLUMNS}
       from listings l join users u on u.id = l.seller_id
      where l.seller_id = $1 and l.deleted_at is null and ($2 or l.unlisted_at is null)
      order by l.created_at desc`,
    [sellerId, p.includeUnlisted ?? false],
  );

/** Sellers with listings, other than the one asking: whom a host can ask for items. */
export const listSellers = async (db: TQueryable, exceptUserId: string): Promise<TSeller[]> =>
  queryRows(db, ZSeller,
    `select u.id, u.display_name as "displayName", count(l.id)::int as "listingCount"
       from users u join listings l on l.seller_id = u.id and l.deleted_at is null and l.unlisted_at is null
      where u.id <> $1 group by u.id order by u.display_name limit 200`,
    [exceptUserId],
  );
