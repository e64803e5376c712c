import { queryRows, type TQueryable } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { z } from 'zod';

/** What a photo is (about to be) used for; its own current use does not count as "used elsewhere". */
export type TPhotoUse = { listingId: string } | { showId: string } | { avatarOf: string };

/**
 * Checks, under row locks, that every photo was uploaded by `ownerId` and is not used by
 * anything but `use` (a photo is one listing's, one show's cover or one avatar): a photo
 * id from someone else's page, or one already on another listing, is PHOTO_UNUSABLE.
 * Call it in the transaction that then attaches the photos; the unique constraints of
 * migration 010 are the last guard.
 */
export const assertPhotosUsable = async (tx: TQueryable, p: { ownerId: string; photoIds: string[]; use: TPhotoUse }) => {
  if (p.photoIds.length === 0) return;
  const rows = await queryRows(tx, z.object({ id: z.string(), usedElsewhere: z.boolean() }),
    `select ph.id,
            exists (select 1 from listing_photos lp where lp.photo_id = ph.id and lp.listing_id is distinct from $3::uuid)
            or exists (select 1 from shows s where s.cover_photo_id = ph.id and s.id is distinct from $4::uuid)
            or exists (select 1 from users u where u.avatar_photo_id = ph.id and u.id is distinct from $5::uuid) as "usedElsewhere"
       from photos ph
      where ph.id = any($1::uuid[]) and ph.owner_id = $2
      for update of ph`,
    [p.photoIds, p.ownerId,
      'listingId' in p.use ? p.use.listingId : null,
      'showId' in p.use ? p.use.showId : null,
      'avatarOf' in p.use ? p.use.avatarOf : null],
  );
  const usable = new Set(rows.filter((r) => !r.usedElsewhere).map((r) => r.id));
  const bad = p.photoIds.findIndex((id) => !usable.has(id));
  if (bad >= 0) throw new AppError('PHOTO_UNUSABLE', `Photo ${bad + 1}: not one of yours, or used elsewhere already; upload it again.`);
};
