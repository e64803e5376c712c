import { queryRow } from '@showcart/common';
import { AppError, type TLikeState } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import type { TSocialEventDeps } from './events.ts';

/** The trigger's refusal (migrations/013_social.sql) when the listing was unlisted or deleted between the check and the insert. */
const LIKES_LISTED_CONSTRAINT = 'likes_listing_listed';

/**
 * The user likes a listing (its own too, as on Poshmark: a like is a bookmark as much as
 * praise). Idempotent. A listing that does not exist or was deleted is NOT_FOUND; an
 * unlisted one LISTING_UNAVAILABLE; either way nothing changes.
 */
export const like = async (deps: Pick<TDomainDeps, 'db'> & TSocialEventDeps, p: { userId: string; listingId: string }): Promise<TLikeState> => {
  const created = await queryRow(deps.db, z.object({ sellerId: z.string() }),
    `with made as (
       insert into likes (user_id, listing_id)
       select $1, l.id from listings l where l.id = $2 and l.deleted_at is null and l.unlisted_at is null
       on conflict do nothing returning listing_id
     )
     select l.seller_id as "sellerId" from made join listings l on l.id = made.listing_id`,
    [p.userId, p.listingId],
  ).catch((error: unknown) => {
    if ((error as { constraint?: string }).constraint === LIKES_LISTED_CONSTRAINT) throw new AppError('LISTING_UNAVAILABLE');
    throw error;
  });
  const state = await likeStateOf(deps, p);
  if (created) await deps.socialEvents?.liked({ ...p, sellerId: created.sellerId });
  return state;
};

/** Where the user stands with the listing; one deleted or unknown is NOT_FOUND, one unlisted LISTING_UNAVAILABLE unless `unlistedToo`. */
export const likeStateOf = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; listingId: string; unlistedToo?: boolean }): Promise<TLikeState> => {
  const row = await queryRow(deps.db, z.object({ likeCount: z.number(), liked: z.boolean(), unlisted: z.boolean() }),
    `select l.like_count as "likeCount", l.unlisted_at is not null as unlisted,
            exists (select 1 from likes k where k.user_id = $1 and k.listing_id = l.id) as liked
       from listings l where l.id = $2 and l.deleted_at is null`,
    [p.userId, p.listingId]);
  if (!row) throw new AppError('NOT_FOUND', 'No such listing.');
  if (row.unlisted && !p.unlistedToo) throw new AppError('LISTING_UNAVAILABLE', 'Its seller has taken that listing down for now.');
  return { likeCount: row.likeCount, liked: row.liked };
};
