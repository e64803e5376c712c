import { queryRows } from '@showcart/common';
import { SOCIAL_PAGE_SIZE, ZListing, type TFeedItem, type TFeedPage } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { LISTING_CARD_COLUMNS } from '../catalog/listings.ts';
import { listShowCards } from '../discovery/show-cards.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { markLikedByMe } from './liked-by-me.ts';

const ZEvent = z.object({ kind: z.enum(['listed', 'scheduled', 'live']), at: z.date(), id: z.string() });

/**
 * What the sellers a person follows did, newest first: listed an item (still listed), made
 * a show (not called off), went live. Read from the rows themselves (listings.created_at,
 * shows.created_at and started_at, each with a per-seller index of 013_social.sql), not
 * fanned out to a table: a person follows hundreds, not millions. Keyset on (at, kind, id).
 */
export const feed = async (deps: Pick<TDomainDeps, 'db' | 'redis'>, p: { userId: string; cursor?: string | undefined }): Promise<TFeedPage> => {
  const after = decodeCursor(p.cursor, 2);
  const events = await queryRows(deps.db, ZEvent,
    `with followed as (select followee_id as id from follows where follower_id = $1),
     events as (
       select 'listed' as kind, l.created_at as at, l.id from followed f join listings l on l.seller_id = f.id
        where l.deleted_at is null and l.unlisted_at is null
       union all
       select 'scheduled', s.created_at, s.id from followed f join shows s on s.host_id = f.id where s.status <> 'cancelled'
       union all
       select 'live', s.started_at, s.id from followed f join shows s on s.host_id = f.id where s.started_at is not null
     )
     select kind, at, id from events
      where $2::timestamptz is null or (at, kind, id) < ($2, $3::text, $4::uuid)
      order by at desc, kind desc, id desc limit $5`,
    [p.userId, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, SOCIAL_PAGE_SIZE + 1]);
  const page = events.slice(0, SOCIAL_PAGE_SIZE);
  const listingIds = page.filter((e) => e.kind === 'listed').map((e) => e.id);
  const showIds = [...new Set(page.filter((e) => e.kind !== 'listed').map((e) => e.id))];
  const listings = new Map((await markLikedByMe(deps.db, p.userId, listingIds.length === 0 ? [] : await queryRows(deps.db, ZListing,
    `select ${LISTING_CARD_COLUMNS} from listings l join users u on u.id = l.seller_id where l.id = any($1::uuid[])`, [listingIds])))
    .map((l) => [l.id, l]));
  const shows = new Map((showIds.length === 0 ? [] : await listShowCards(deps,
    { where: 's.id = any($1::uuid[])', order: 's.id', limit: showIds.length }, [showIds])).map((s) => [s.id, s]));
  const items = page.flatMap((e): TFeedItem[] => {
    const at = e.at.toISOString();
    if (e.kind === 'listed') {
      const listing = listings.get(e.id);
      return listing ? [{ kind: e.kind, at, listing }] : [];
    }
    const show = shows.get(e.id);
    return show ? [{ kind: e.kind, at, show }] : [];
  });
  const last = page.at(-1);
  return { items, nextCursor: events.length > SOCIAL_PAGE_SIZE && last ? encodeCursor(last.at, last.kind, last.id) : null };
};
