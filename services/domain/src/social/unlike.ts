import { execute } from '@showcart/common';
import type { TLikeState } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { likeStateOf } from './like.ts';

/** The user takes back a like. Idempotent; allowed on an unlisted listing too (a person may always let go). */
export const unlike = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; listingId: string }): Promise<TLikeState> => {
  await execute(deps.db, 'delete from likes where user_id = $1 and listing_id = $2', [p.userId, p.listingId]);
  return likeStateOf(deps, { ...p, unlistedToo: true });
};
