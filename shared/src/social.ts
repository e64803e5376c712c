import { z } from 'zod';
import { ZShowCard } from './discovery.ts';
import { ZListing } from './http.ts';
import { ZId } from './ids.ts';

/** Rows per page of followers, following, likes and the feed. */
export const SOCIAL_PAGE_SIZE = 24;

/** A page's query string: the `nextCursor` of the page before, as it was given. */
export const ZSocialPageQuery = z.strictObject({
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'not a cursor of ours').optional(),
});
export type TSocialPageQuery = z.infer<typeof ZSocialPageQuery>;

/** Following after the call (true after a follow, false after an unfollow), and the followee's count. */
export const ZFollowState = z.object({ following: z.boolean(), followerCount: z.number().int().nonnegative() });
export type TFollowState = z.infer<typeof ZFollowState>;

/** Liked after the call, and the listing's count. */
export const ZLikeState = z.object({ liked: z.boolean(), likeCount: z.number().int().nonnegative() });
export type TLikeState = z.infer<typeof ZLikeState>;

export const ZPersonCard = z.object({
  id: ZId,
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  followerCount: z.number().int().nonnegative(),
});
export type TPersonCard = z.infer<typeof ZPersonCard>;

export const ZPeoplePage = z.object({ people: z.array(ZPersonCard), nextCursor: z.string().nullable() });
export type TPeoplePage = z.infer<typeof ZPeoplePage>;

/** A person's Likes page: listed listings they like, newest like first (an unlisted or deleted one drops out until it is back). */
export const ZLikesPage = z.object({ listings: z.array(ZListing), nextCursor: z.string().nullable() });
export type TLikesPage = z.infer<typeof ZLikesPage>;

/** One thing a followed seller did: listed an item, scheduled a show, or went live. */
export const ZFeedItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('listed'), at: z.iso.datetime({ offset: true }), listing: ZListing }),
  z.object({ kind: z.enum(['scheduled', 'live']), at: z.iso.datetime({ offset: true }), show: ZShowCard }),
]);
export type TFeedItem = z.infer<typeof ZFeedItem>;

export const ZFeedPage = z.object({ items: z.array(ZFeedItem), nextCursor: z.string().nullable() });
export type TFeedPage = z.infer<typeof ZFeedPage>;
