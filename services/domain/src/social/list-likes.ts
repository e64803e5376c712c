import { queryRows } from '@showcart/common';
import { SOCIAL_PAGE_SIZE, ZListing, type TLikesPage } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { LISTING_CARD_COLUMNS } from '../catalog/listings.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

/**
 * A person's Likes page: the listed listings they like, newest like first, a page at a
 * time (likes_user_recent_idx). One unlisted or deleted drops out (the like is kept, so
 * it is back when its seller lists it again).
 */
export const listLikes = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; cursor?: string | undefined }): Promise<TLikesPage> => {
  const after = decodeCursor(p.cursor, 1);
  const rows = await queryRows(deps.db, ZListing.extend({ likedAt: z.date() }),
    `select ${LISTING_CARD_COLUMNS}, k.created_at as "likedAt"
       from likes k join listings l on l.id = k.listing_id join users u on u.id = l.seller_id
      where k.user_id = $1 and l.deleted_at is null and l.unlisted_at is null
        and ($2::timestamptz is null or (k.created_at, k.listing_id) < ($2, $3::uuid))
      order by k.created_at desc, k.listing_id desc limit $4`,
    [p.userId, after?.[0] ?? null, after?.[1] ?? null, SOCIAL_PAGE_SIZE + 1]);
  const page = rows.slice(0, SOCIAL_PAGE_SIZE);
  const last = page.at(-1);
  return {
    listings: page.map(({ likedAt: _at, ...card }) => ({ ...card, likedByMe: true })),
    nextCursor: rows.length > SOCIAL_PAGE_SIZE && last ? encodeCursor(last.likedAt, last.id) : null,
  };
};
