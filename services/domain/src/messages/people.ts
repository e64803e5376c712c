import { queryRow, type TQueryable } from '@showcart/common';
import { AppError, photoUrl, ZPerson, type TPerson } from '@showcart/shared';
import { z } from 'zod';

/**
 * Someone by handle, as a thread names them; NOT_FOUND when nobody has it. A deleted
 * account is nobody, except to read the thread one had with it (`orDeleted`).
 */
export const personByHandle = async (db: TQueryable, handle: string, opts: { orDeleted?: boolean } = {}): Promise<TPerson> => {
  const row = await queryRow(db, ZPerson.extend({ avatarPhotoId: z.string().nullable() }).omit({ avatarUrl: true }),
    `select id, handle, display_name as "displayName", avatar_photo_id as "avatarPhotoId" from users
      where handle = $1 and (deleted_at is null or $2)`, [handle.toLowerCase(), opts.orDeleted ?? false]);
  if (!row) throw new AppError('NOT_FOUND', `Nobody is called @${handle} here.`);
  const { avatarPhotoId, ...person } = row;
  return { ...person, avatarUrl: avatarPhotoId ? photoUrl(avatarPhotoId, 'thumb') : null };
};

/** Whether either of the two blocked the other: `byFirst` when `a` blocked `b`. */
export const blocksBetween = async (db: TQueryable, a: string, b: string) => {
  const row = await queryRow(db, z.object({ byFirst: z.boolean(), bySecond: z.boolean() }),
    `select exists (select 1 from blocks where blocker_id = $1 and blocked_id = $2) as "byFirst",
            exists (select 1 from blocks where blocker_id = $2 and blocked_id = $1) as "bySecond"`, [a, b]);
  return row!;
};

/** The pair's thread, made on first use (one row per pair, smaller id first). */
export const conversationOf = async (db: TQueryable, a: string, b: string): Promise<string> => {
  const [low, high] = a < b ? [a, b] : [b, a];
  const row = await queryRow(db, z.object({ id: z.string() }),
    `insert into conversations (low_id, high_id) values ($1, $2)
     on conflict (low_id, high_id) do update set low_id = excluded.low_id
     returning id`, [low, high]);
  return row!.id;
};
