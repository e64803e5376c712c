import { queryRow, queryRows } from '@showcart/common';
import { AppError, photoUrl, SOCIAL_PAGE_SIZE, type TPeoplePage } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const ZRow = z.object({
  id: z.string(), handle: z.string(), displayName: z.string(), avatarPhotoId: z.string().nullable(), followerCount: z.number(), at: z.date(),
});

/**
 * A profile's followers, or whom it follows, newest first, a page at a time (keyset on
 * the follow's created_at and the other person's id: follows_*_recent_idx). Public.
 */
const listPeople = async (deps: Pick<TDomainDeps, 'db'>, p: { handle: string; cursor?: string | undefined }, side: 'followers' | 'following'): Promise<TPeoplePage> => {
  const owner = await queryRow(deps.db, z.object({ id: z.string() }), 'select id from users where handle = $1 and deleted_at is null', [p.handle.toLowerCase()]);
  if (!owner) throw new AppError('NOT_FOUND', `Nobody is called @${p.handle} here.`);
  const after = decodeCursor(p.cursor, 1);
  const [mine, theirs] = side === 'followers' ? ['followee_id', 'follower_id'] : ['follower_id', 'followee_id'];
  const rows = await queryRows(deps.db, ZRow,
    `select u.id, u.handle, u.display_name as "displayName", u.avatar_photo_id as "avatarPhotoId",
            u.follower_count as "followerCount", f.created_at as at
       from follows f join users u on u.id = f.${theirs}
      where f.${mine} = $1 and ($2::timestamptz is null or (f.created_at, f.${theirs}) < ($2, $3::uuid))
      order by f.created_at desc, f.${theirs} desc limit $4`,
    [owner.id, after?.[0] ?? null, after?.[1] ?? null, SOCIAL_PAGE_SIZE + 1]);
  const page = rows.slice(0, SOCIAL_PAGE_SIZE);
  const last = page.at(-1);
  return {
    people: page.map(({ avatarPhotoId, at: _at, ...person }) => ({ ...person, avatarUrl: avatarPhotoId && photoUrl(avatarPhotoId, 'card') })),
    nextCursor: rows.length > SOCIAL_PAGE_SIZE && last ? encodeCursor(last.at, last.id) : null,
  };
};

export const listFollowers = (deps: Pick<TDomainDeps, 'db'>, p: { handle: string; cursor?: string | undefined }) => listPeople(deps, p, 'followers');

export const listFollowing = (deps: Pick<TDomainDeps, 'db'>, p: { handle: string; cursor?: string | undefined }) => listPeople(deps, p, 'following');
