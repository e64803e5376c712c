import type { TListing, TListingCard } from '@showcart/shared';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, keyOf, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ListingCard } from '../components/ListingCard.tsx';

/** A liked listing's card: sold out when no unit is free (the Likes page does not look for live shows). */
const cardOf = (l: TListing): TListingCard => ({ ...l, soldOut: l.variants.every((v) => v.free === 0), liveShowId: null });

/** /likes: what the person liked, newest like first: a wishlist across every closet. */
export const LikesPage = () => {
  const likes = useInfiniteQuery({
    queryKey: keyOf('me.likes'),
    queryFn: ({ pageParam }) => call('me.likes', { query: { cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const listings = likes.data?.pages.flatMap((p) => p.listings) ?? [];
  return (
    <Layout>
      <h1>Your likes</h1>
      {likes.isPending ? <div className="loading" role="status">Loading…</div>
        : likes.isError ? <p className="error" role="alert">{messageOf(likes.error)}</p>
        : listings.length === 0 ? (
          <div className="card" data-testid="likes-empty">
            <p>Nothing liked yet. Tap ♡ on a listing to keep it here; you'll hear when its price drops.</p>
            <Link to="/search">Browse listings</Link>
          </div>
        ) : (
          <>
            <ul className="listing-grid" data-testid="likes-listings">
              {listings.map((l) => <li key={l.id}><ListingCard listing={cardOf(l)} /></li>)}
            </ul>
            {likes.hasNextPage && (
              <button type="button" className="button load-more" disabled={likes.isFetchingNextPage} onClick={() => void likes.fetchNextPage()}>
                {likes.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        )}
    </Layout>
  );
};
