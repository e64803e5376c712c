import { execute } from '@showcart/common';
import { AppError, type TFollowState } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { followStateOf } from './follow.ts';

/** The follower stops following. Idempotent: not following already answers the same and changes nothing. */
export const unfollow = async (deps: Pick<TDomainDeps, 'db'>, p: { followerId: string; followeeId: string }): Promise<TFollowState> => {
  if (p.followerId === p.followeeId) throw new AppError('CANNOT_FOLLOW_SELF');
  await execute(deps.db, 'delete from follows where follower_id = $1 and followee_id = $2', [p.followerId, p.followeeId]);
  return followStateOf(deps, p);
};
