import { appErrorFromDb, execute, queryRow, withTransaction } from '@showcart/common';
import { AppError, photoUrl, type TProfile, type TProfileBody } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { listListings } from '../catalog/listings.ts';
import { assertPhotosUsable } from '../catalog/photo-use.ts';
import { markLikedByMe } from '../social/liked-by-me.ts';
import { listHostShows } from '../shows/repo.ts';
import { DELETED_HANDLE_PREFIX } from './delete-account.ts';
import { findMe, type TSessionUser } from './sessions.ts';

/** Public profiles (/@handle) and a person's own edits of theirs. */

/** A profile as the viewer (signed in, or undefined) sees it: whether they follow it, and which of its listings they like. */
export const getProfile = async (deps: Pick<TDomainDeps, 'db'>, handle: string, viewerId?: string): Promise<TProfile> => {
  const user = await queryRow(deps.db,
    z.object({
      id: z.string(), handle: z.string(), displayName: z.string(), bio: z.string(), createdAt: z.date(), avatarPhotoId: z.string().nullable(),
      newSeller: z.boolean(), followerCount: z.number(), followingCount: z.number(), followedByMe: z.boolean(),
    }),
    `select id, handle, display_name as "displayName", bio, created_at as "createdAt", avatar_photo_id as "avatarPhotoId",
            first_sale_at is null as "newSeller", follower_count as "followerCount", following_count as "followingCount",
            exists (select 1 from follows f where f.follower_id = $2 and f.followee_id = users.id) as "followedByMe"
       from users where handle = $1 and deleted_at is null`, [handle.toLowerCase(), viewerId ?? null]);
  if (!user) throw new AppError('NOT_FOUND', `Nobody is called @${handle} here.`);
  const sales = await queryRow(deps.db, z.object({ n: z.number() }),
    `select count(*)::int as n from orders where seller_id = $1 and status = 'paid'`, [user.id]);
  const listings = await markLikedByMe(deps.db, viewerId, (await listListings(deps.db, user.id)).filter((l) => l.variants.some((v) => v.quantity > 0)));
  return {
    id: user.id,
    handle: user.handle,
    displayName: user.displayName,
    bio: user.bio,
    avatarUrl: user.avatarPhotoId && photoUrl(user.avatarPhotoId, 'card'),
    salesCount: sales!.n,
    newSeller: user.newSeller,
    followerCount: user.followerCount,
    followingCount: user.followingCount,
    ...(viewerId && viewerId !== user.id ? { followedByMe: user.followedByMe } : {}),
    memberSince: user.createdAt.toISOString(),
    listings,
    shows: await listHostShows(deps.db, {
      hostId: user.id, where: `s.status in ('live', 'scheduled')`, order: `s.status = 'live' desc, s.scheduled_at nulls last, s.created_at`,
    }),
    // Replays that play and are listed: an unlisted one is shared by its link only.
    replays: await listHostShows(deps.db, { hostId: user.id, where: `r.status = 'ready' and r.listed`, order: 's.started_at desc' }),
  };
};

/**
 * A person edits its own profile: a handle taken by anyone else (whatever its case) is
 * HANDLE_TAKEN; an avatar must be a photo the person uploaded that nothing else uses
 * (PHOTO_UNUSABLE), and null takes it away.
 */
export const updateProfile = async (deps: Pick<TDomainDeps, 'db'>, p: { user: TSessionUser; changes: TProfileBody }): Promise<TSessionUser> => {
  const { handle, displayName, bio, avatarPhotoId } = p.changes;
  if (handle === undefined && displayName === undefined && bio === undefined && avatarPhotoId === undefined) {
    throw new AppError('INVALID_INPUT', 'Nothing to change.');
  }
  // Deleted accounts' handles (`users_deleted_erased`).
  if (handle?.startsWith(DELETED_HANDLE_PREFIX)) throw new AppError('HANDLE_TAKEN');
  await withTransaction(deps.db, async (tx) => {
    if (avatarPhotoId) await assertPhotosUsable(tx, { ownerId: p.user.id, photoIds: [avatarPhotoId], use: { avatarOf: p.user.id } });
    await execute(tx,
      `update users set handle = coalesce($2, handle), display_name = coalesce($3, display_name), bio = coalesce($4, bio),
              avatar_photo_id = case when $5 then $6::uuid else avatar_photo_id end
        where id = $1`,
      [p.user.id, handle ?? null, displayName ?? null, bio ?? null, avatarPhotoId !== undefined, avatarPhotoId ?? null],
    );
  }).catch((error: unknown) => {
    // The handle and the avatar are unique: which of the two raced is in the constraint's name.
    if (appErrorFromDb(error)?.code === 'CONFLICT') {
      throw (error as { constraint?: string }).constraint?.includes('avatar') ? new AppError('PHOTO_UNUSABLE') : new AppError('HANDLE_TAKEN');
    }
    throw error;
  });
  return (await findMe(deps.db, p.user.id))!;
};
