import { queryRow } from '@showcart/common';
import { AppError, type TFollowState } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import type { TSocialEventDeps } from './events.ts';

/**
 * The follower follows a seller or host. Idempotent: a repeat (or a race of two) keeps one
 * row and tells no one twice. Yourself is CANNOT_FOLLOW_SELF; a user who does not exist NOT_FOUND.
 */
export const follow = async (deps: Pick<TDomainDeps, 'db'> & TSocialEventDeps, p: { followerId: string; followeeId: string }): Promise<TFollowState> => {
  if (p.followerId === p.followeeId) throw new AppError('CANNOT_FOLLOW_SELF');
  const created = await queryRow(deps.db, z.object({ followeeId: z.string() }),
    `insert into follows (follower_id, followee_id) select $1, u.id from users u where u.id = $2 and u.deleted_at is null
     on conflict do nothing returning followee_id as "followeeId"`,
    [p.followerId, p.followeeId]);
  const state = await followStateOf(deps, p);
  if (created) await deps.socialEvents?.followed(p);
  return state;
};

/** Where the follower stands with the followee after a change; a user who does not exist is NOT_FOUND. */
export const followStateOf = async (deps: Pick<TDomainDeps, 'db'>, p: { followerId: string; followeeId: string }): Promise<TFollowState> => {
  const row = await queryRow(deps.db, z.object({ followerCount: z.number(), following: z.boolean() }),
    `select u.follower_count as "followerCount",
            exists (select 1 from follows f where f.follower_id = $1 and f.followee_id = u.id) as following
       from users u where u.id = $2 and u.deleted_at is null`,
    [p.followerId, p.followeeId]);
  if (!row) throw new AppError('NOT_FOUND', 'Nobody by that id is here.');
  return row;
};
