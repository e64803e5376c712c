import { feed, follow, listFollowers, listFollowing, like, listLikes, socialNotifier, unfollow, unlike } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TSocialEndpoints = 'follows.add' | 'follows.remove' | 'likes.add' | 'likes.remove' | 'me.likes' | 'me.feed'
  | 'profiles.followers' | 'profiles.following';

/**
 * Follows, likes, a person's Likes page and feed, and a profile's followers (public). A new
 * follow or like is told to the seller through the notification pipeline.
 */
export const socialHandlers = (deps: TApiDeps): Pick<THandlers, TSocialEndpoints> => {
  const telling = { ...deps, socialEvents: socialNotifier(deps) };
  return {
    'follows.add': ({ user, params }) => follow(telling, { followerId: user.id, followeeId: params.userId }),
    'follows.remove': ({ user, params }) => unfollow(deps, { followerId: user.id, followeeId: params.userId }),
    'likes.add': ({ user, params }) => like(telling, { userId: user.id, listingId: params.listingId }),
    'likes.remove': ({ user, params }) => unlike(deps, { userId: user.id, listingId: params.listingId }),
    'me.likes': ({ user, query }) => listLikes(deps, { userId: user.id, cursor: query.cursor }),
    'me.feed': ({ user, query }) => feed(deps, { userId: user.id, cursor: query.cursor }),
    'profiles.followers': ({ params, query }) => listFollowers(deps, { handle: params.handle, cursor: query.cursor }),
    'profiles.following': ({ params, query }) => listFollowing(deps, { handle: params.handle, cursor: query.cursor }),
  };
};
