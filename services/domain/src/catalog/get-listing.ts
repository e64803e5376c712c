import { queryRow, queryRows, type TQueryable } from '@showcart/common';
import { AppError, photoUrl, ZListing, ZListingDetail, type TListingDetail } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { shippingFor } from '../orders/insert-order.ts';
import { markLikedByMe } from '../social/liked-by-me.ts';
import { LISTING_CARD_COLUMNS } from './listings.ts';

const ZRow = ZListing.extend({
  description: z.string(),
  photoIds: z.array(z.string()),
  sellerRate: z.number().nullable(),
  handlingDays: z.number(),
  createdAt: z.date(),
});

/**
 * A listing's page. Anyone may open a listed one; an unlisted one only its seller (to
 * everyone else it does not exist); a deleted one no one.
 */
export const getListing = async (
  deps: Pick<TDomainDeps, 'db' | 'config'>,
  p: { listingId: string; viewerId: string | undefined },
): Promise<TListingDetail> => {
  const row = await findListingRow(deps.db, p.listingId);
  if (!row || (row.state === 'unlisted' && row.sellerId !== p.viewerId)) throw new AppError('NOT_FOUND', 'No such listing.');
  const shows = await queryRows(deps.db, ZListingDetail.shape.shows.element.extend({ scheduledAt: z.date().nullable() }),
    `select s.id, s.title, s.status, s.scheduled_at as "scheduledAt"
       from shows s
      where s.status in ('scheduled', 'live')
        and exists (select 1 from show_entries e join listing_variants v on v.id = e.variant_id where e.show_id = s.id and v.listing_id = $1)
      order by s.status = 'live' desc, s.scheduled_at nulls last limit 5`,
    [p.listingId],
  );
  const { photoIds, sellerRate, createdAt, ...card } = row;
  const [marked] = await markLikedByMe(deps.db, p.viewerId, [card]);
  return {
    ...marked!,
    photos: photoIds.map((id) => ({ id, thumbUrl: photoUrl(id, 'thumb'), cardUrl: photoUrl(id, 'card'), fullUrl: photoUrl(id, 'full') })),
    shippingFeeMinor: shippingFor(sellerRate, deps.config),
    shows: shows.map((s) => ({ ...s, scheduledAt: s.scheduledAt?.toISOString() ?? null })),
    createdAt: createdAt.toISOString(),
  };
};

/** The listing's row as its page and its editor read it, deleted ones excepted. */
export const findListingRow = async (db: TQueryable, listingId: string) =>
  queryRow(db, ZRow,
    `select ${LISTING_CARD_COLUMNS}, l.description, l.created_at as "createdAt",
            coalesce((select array_agg(lp.photo_id order by lp.position) from listing_photos lp where lp.listing_id = l.id), '{}') as "photoIds",
            u.shipping_fee_minor as "sellerRate", u.handling_days as "handlingDays"
       from listings l join users u on u.id = l.seller_id
      where l.id = $1 and l.deleted_at is null`,
    [listingId],
  );
